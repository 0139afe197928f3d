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


def test_existing_targets_keep_their_base(app):
    """Issue 24: a target set before keeps the base it was judged on, so no verdict changes
    silently: an item target leaves vet inte out, an outcome target counts every ended
    enrolment (okänd too). A new target counts vet inte in (the model's default)."""
    from sqlalchemy import text

    from survey.models import Insats, Occasion, Target, TargetBase

    db.drop_all()
    config = alembic_config()
    command.upgrade(config, "0013")
    with db.engine.begin() as connection:
        connection.execute(text("INSERT INTO organisation (id, name) VALUES (1, 'F')"))
        connection.execute(text("INSERT INTO insats (id, organisation_id, name) "
                                "VALUES (1, 1, 'Steget')"))
        connection.execute(text(
            "INSERT INTO target (insats_id, questionnaire_key, item_id, occasion, threshold, "
            "kind) VALUES (1, 'finsam-indikatorer', 'nytta', 'avslut', 0.9, 'item'), "
            "(1, '', 'work_or_studies', 'avslut', 0.3, 'outcome')"))
    command.upgrade(config, "head")
    db.session.expire_all()
    insats = db.session.get(Insats, 1)
    assert [(str(t.kind), t.base, t.outcomes, t.months) for t in insats.targets] == [
        ("item", TargetBase.answered, "", 0), ("outcome", TargetBase.all, "", 0)]
    insats.targets.append(Target(item_id="planering", occasion=Occasion.avslut, threshold=0.8))
    db.session.commit()
    assert insats.targets[-1].base == TargetBase.all
    db.session.remove()  # its open transaction would keep PostgreSQL's ALTER TABLE waiting
    command.downgrade(config, "0013")
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM target")).scalar() == 3
    command.upgrade(config, "head")
