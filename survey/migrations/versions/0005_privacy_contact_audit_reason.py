"""the förbund's privacy contact; the reason of an audit event

Revision ID: 0005
Revises: 0006
Create Date: 2026-11-26 13:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('privacy_contact', sa.String(length=300), nullable=False, server_default=''))
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason', sa.String(length=500), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_column('reason')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('privacy_contact')
