"""translation review sign-off

Revision ID: 0007
Revises: 0003
Create Date: 2026-11-26 14:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'translation_review',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('language', sa.String(length=16), nullable=False),
        sa.Column('questionnaire_key', sa.String(length=60), nullable=False),
        sa.Column('questionnaire_version', sa.Integer(), nullable=False),
        sa.Column('reviewer', sa.String(length=200), nullable=False),
        sa.Column('signed_at', sa.DateTime(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=True),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('language', 'questionnaire_key', 'questionnaire_version'),
    )


def downgrade() -> None:
    op.drop_table('translation_review')
