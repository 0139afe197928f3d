"""follow-ups after exit: the förbund's follow-up points and link life; an invitation's
follow-up point; the occasion column holds "uppfoljning"

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 22:50:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

OLD = sa.Enum('start', 'pagaende', 'avslut', name='occasion', native_enum=False)
NEW = sa.Enum('start', 'pagaende', 'avslut', 'uppfoljning', name='occasion', native_enum=False)


def upgrade() -> None:
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('followup_points', sa.String(length=40), nullable=False,
                                      server_default='6,12'))
        batch_op.add_column(sa.Column('followup_link_days', sa.Integer(), nullable=False,
                                      server_default='30'))
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('followup_months', sa.SmallInteger(), nullable=True))
        batch_op.alter_column('occasion', existing_type=OLD, type_=NEW, existing_nullable=False)
    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.alter_column('occasion', existing_type=OLD, type_=NEW, existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.alter_column('occasion', existing_type=NEW, type_=OLD, existing_nullable=False)
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.alter_column('occasion', existing_type=NEW, type_=OLD, existing_nullable=False)
        batch_op.drop_column('followup_months')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('followup_link_days')
        batch_op.drop_column('followup_points')
