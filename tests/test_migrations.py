"""Migrations are the only way the schema changes: they must match the models exactly."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from survey.database import alembic_config
from survey.extensions import db


def test_models_equal_upgrade_head(app):
    db.drop_all()
    command.upgrade(alembic_config(), "head")
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_every_revision_goes_up_and_down(app):
    db.drop_all()
    config = alembic_config()
    revisions = list(ScriptDirectory.from_config(config).walk_revisions("base", "head"))
    for revision in reversed(revisions):
        command.upgrade(config, revision.revision)
    for revision in revisions:
        command.downgrade(config, revision.down_revision or "base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    command.upgrade(config, "head")
