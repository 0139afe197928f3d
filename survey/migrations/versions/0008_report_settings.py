"""the förbund's report settings: days until a pågående answer is due, age bands

Revision ID: 0008
Revises: 0005
Create Date: 2026-11-26 17:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pagaende_due_days', sa.Integer(), nullable=False, server_default='90'))
        batch_op.add_column(sa.Column('age_bands', sa.String(length=40), nullable=False, server_default='16,30,50'))


def downgrade() -> None:
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('age_bands')
        batch_op.drop_column('pagaende_due_days')
