"""Stegvis: the web app."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from questionnaires import Registry


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)

    from . import config as defaults

    app.config.from_mapping(defaults.defaults(Path(app.instance_path)))
    if config:
        app.config.from_mapping(config)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = defaults.secret_key(Path(app.instance_path))

    # A bad questionnaire file stops the app here, with a message naming the problem.
    app.extensions["stegvis.questionnaires"] = Registry.load(app.config["QUESTIONNAIRE_DIRS"])

    _init_extensions(app)

    from . import errors, security

    security.init_app(app)
    errors.init_app(app)

    from .answering import bp as answering_bp

    app.register_blueprint(answering_bp)

    from . import cli

    cli.init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    from . import database, i18n
    from .extensions import babel, csrf, db

    db.init_app(app)
    database.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.init_app(app)
