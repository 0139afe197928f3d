"""the förbund asks the self-assessment midway, and may set its own participant code format

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 20:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('midway_self_assessment', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('participant_code_pattern', sa.String(length=100),
                                      nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('participant_code_pattern')
        batch_op.drop_column('midway_self_assessment')
