"""every participant's record key for the report's cell key perturbation

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 20:00:00
"""
import secrets

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

# analysis.perturbation.KEY_RANGE, written out: a migration must not change with the code.
KEY_RANGE = 2**31 - 1


def upgrade() -> None:
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('record_key', sa.Integer(), nullable=True))
    participant = sa.table('participant', sa.column('id', sa.Integer),
                           sa.column('record_key', sa.Integer))
    connection = op.get_bind()
    ids = connection.execute(sa.select(participant.c.id)).scalars().all()
    for participant_id in ids:
        connection.execute(participant.update().where(participant.c.id == participant_id)
                           .values(record_key=secrets.randbelow(KEY_RANGE)))
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.alter_column('record_key', existing_type=sa.Integer(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.drop_column('record_key')
