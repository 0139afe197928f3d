"""Stegvis: the web app."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, redirect, url_for
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from questionnaires import Registry


def create_app(config: dict[str, Any] | None = None) -> Flask:
    from .static_files import StegvisFlask

    app = StegvisFlask(__name__, instance_relative_config=True)

    from . import config as defaults

    app.config.from_mapping(defaults.defaults(Path(app.instance_path)))
    if config:
        app.config.from_mapping(config)
    if Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")).parent == \
            Path(app.instance_path):
        defaults.private_folder(Path(app.instance_path))
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = defaults.secret_key(Path(app.instance_path))

    # A bad questionnaire file stops the app here, with a message naming the problem.
    app.extensions["stegvis.questionnaires"] = Registry.load(app.config["QUESTIONNAIRE_DIRS"])

    # Every <int:...> in a route is an id: beyond what the database holds it matches
    # nothing (404) instead of overflowing in a query.
    app.url_map.converters["int"] = DatabaseInteger

    _init_extensions(app)

    from . import errors, security, static_files

    security.init_app(app)
    static_files.init_app(app)
    errors.init_app(app)

    from .answering import bp as answering_bp
    from .answering.short_code import bp as code_bp
    from .auth import bp as auth_bp
    from .health import bp as health_bp
    from .reports import bp as reports_bp
    from .staff import bp as staff_bp

    app.register_blueprint(answering_bp)
    app.register_blueprint(code_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(health_bp)
    app.add_url_rule("/", "index", lambda: redirect(url_for("staff.overview")))

    from . import cli

    cli.init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    from flask_login import current_user

    from . import data_version, database, i18n, ratelimit  # noqa: F401 (data_version: its hooks)
    from .extensions import babel, csrf, db, login_manager

    db.init_app(app)
    database.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.init_app(app)
    # Templates get the lazy `current_user` proxy instead of Flask-Login's context
    # processor, which loads the user for every page rendered, participants' included.
    login_manager.init_app(app, add_context_processor=False)
    app.jinja_env.globals["current_user"] = current_user
    login_manager.session_protection = "strong"
    ratelimit.init_app(app)
    if app.config["PROXY_COUNT"]:
        # Behind a reverse proxy: take the client address and scheme from its headers.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=app.config["PROXY_COUNT"], x_proto=app.config["PROXY_COUNT"]
        )


class DatabaseInteger(IntegerConverter):
    """`<int:...>` bounded by what the database can store."""

    def __init__(self, map: Any, fixed_digits: int = 0, min: int | None = None,
                 max: int | None = None, signed: bool = False) -> None:
        from .validators import DATABASE_INT_MAX

        super().__init__(map, fixed_digits, min, DATABASE_INT_MAX if max is None else max,
                         signed)
