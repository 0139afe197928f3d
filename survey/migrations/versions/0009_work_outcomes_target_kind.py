"""the förbund's list of exit outcomes that count as work or studies; outcome targets

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26 17:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('work_outcomes', sa.String(length=300), nullable=False,
                                      server_default='arbete,studier'))
    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.Enum('item', 'outcome', name='target_kind',
                                                      native_enum=False),
                                      nullable=False, server_default='item'))


def downgrade() -> None:
    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.drop_column('kind')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('work_outcomes')
