"""Entry point for gunicorn and `flask --app wsgi`."""

from survey import create_app

app = create_app()
