"""short codes, one hand-out at exit, read-aloud recordings in the database

Revision ID: 0006
Revises: 0007
Create Date: 2026-11-26 14:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The short code made with a link, kept with it in the server-side staff session.
    with op.batch_alter_table('staff_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('handout_code', sa.String(length=20), nullable=True))
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('short_code_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('next_invitation_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint('uq_invitation_short_code_hash', ['short_code_hash'])
        batch_op.create_foreign_key('fk_invitation_next_invitation_id', 'invitation',
                                    ['next_invitation_id'], ['id'], ondelete='SET NULL')
    op.create_table(
        'recording',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('questionnaire_key', sa.String(length=60), nullable=False),
        sa.Column('questionnaire_version', sa.Integer(), nullable=False),
        sa.Column('screen', sa.String(length=40), nullable=False),
        sa.Column('language', sa.String(length=16), nullable=False),
        sa.Column('mimetype', sa.String(length=40), nullable=False),
        sa.Column('audio', sa.LargeBinary(), nullable=False),
        sa.Column('checksum', sa.String(length=64), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('organisation_id', 'questionnaire_key', 'questionnaire_version',
                            'screen', 'language'),
    )
    with op.batch_alter_table('recording', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recording_organisation_id'), ['organisation_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('staff_session', schema=None) as batch_op:
        batch_op.drop_column('handout_code')
    with op.batch_alter_table('recording', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recording_organisation_id'))
    op.drop_table('recording')
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_constraint('fk_invitation_next_invitation_id', type_='foreignkey')
        batch_op.drop_constraint('uq_invitation_short_code_hash', type_='unique')
        batch_op.drop_column('next_invitation_id')
        batch_op.drop_column('short_code_hash')
