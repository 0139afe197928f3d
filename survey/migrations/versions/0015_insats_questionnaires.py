"""the questionnaires an insats hands out: its indicator questions and its
self-assessment, ours unless the förbund chooses another loaded questionnaire

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-06 23:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('insats', schema=None) as batch_op:
        batch_op.add_column(sa.Column('indicators_key', sa.String(length=60), nullable=False,
                                      server_default='finsam-indikatorer'))
        batch_op.add_column(sa.Column('self_assessment_key', sa.String(length=60),
                                      nullable=False, server_default='sjalvskattning'))


def downgrade() -> None:
    with op.batch_alter_table('insats', schema=None) as batch_op:
        batch_op.drop_column('self_assessment_key')
        batch_op.drop_column('indicators_key')
