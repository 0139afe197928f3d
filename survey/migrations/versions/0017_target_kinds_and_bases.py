"""targets as programmes set them (issue 24): improved, outcomes within months of start
and at a follow-up point, a per-target outcome set, and the base each share is of

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-06 23:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0015'
branch_labels = None
depends_on = None

OLD_KIND = sa.Enum('item', 'outcome', name='target_kind', native_enum=False)
NEW_KIND = sa.Enum('item', 'outcome', 'improved', 'outcome_within', 'followup',
                   name='target_kind', native_enum=False)
OLD_UNIQUE = ['insats_id', 'questionnaire_key', 'item_id', 'occasion']
NEW_UNIQUE = ['insats_id', 'kind', 'questionnaire_key', 'item_id', 'occasion', 'outcomes',
              'months']


def upgrade() -> None:
    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=OLD_KIND, type_=NEW_KIND,
                              existing_nullable=False, existing_server_default='item')
        batch_op.add_column(sa.Column('outcomes', sa.String(length=300), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('months', sa.SmallInteger(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('base', sa.Enum('answered', 'all', name='target_base',
                                                      native_enum=False),
                                      nullable=False, server_default='answered'))
        batch_op.drop_constraint('uq_target_insats_id', type_='unique')
        batch_op.create_unique_constraint('uq_target_insats_id', NEW_UNIQUE)
    # No verdict changes silently: an item target keeps "those who answered" (vet inte
    # left out), an outcome target every ended enrolment (okänd included), as before.
    op.execute("UPDATE target SET base = 'all' WHERE kind = 'outcome'")


def downgrade() -> None:
    # The new kinds cannot be told in the old schema: they go.
    op.execute("DELETE FROM target WHERE kind NOT IN ('item', 'outcome') OR outcomes <> ''")
    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.drop_constraint('uq_target_insats_id', type_='unique')
        batch_op.create_unique_constraint('uq_target_insats_id', OLD_UNIQUE)
        batch_op.drop_column('base')
        batch_op.drop_column('months')
        batch_op.drop_column('outcomes')
        batch_op.alter_column('kind', existing_type=NEW_KIND, type_=OLD_KIND,
                              existing_nullable=False, existing_server_default='item')
