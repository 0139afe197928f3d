"""a resend adds a link and keeps the earlier ones; when to offer a resend

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 20:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resend_after_days', sa.Integer(), nullable=False,
                                      server_default='3'))
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resent_at', sa.DateTime(), nullable=True))
    op.create_table(
        'earlier_link',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('invitation_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('short_code_hash', sa.String(length=64), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['invitation_id'], ['invitation.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
        sa.UniqueConstraint('short_code_hash'),
    )
    with op.batch_alter_table('earlier_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_earlier_link_invitation_id'), ['invitation_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('earlier_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_earlier_link_invitation_id'))
    op.drop_table('earlier_link')
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_column('resent_at')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('resend_after_days')
