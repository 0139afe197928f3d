"""Static files under an address that names their content, so a phone keeps them.

Without this every page asked again for its style sheet and scripts (Flask's default
`no-cache` answers each with a revalidation), a round trip per screen on a slow phone
before the page counts as loaded. `url_for('static', ...)` adds `v=` (a hash of the file),
and a request carrying it is cached for a year: a changed file gets a new address. Other
static requests (fonts named inside style sheets) are cached for an hour.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any

from flask import Flask, Response, has_request_context, request

VERSIONED_MAX_AGE = 365 * 24 * 3600
UNVERSIONED_MAX_AGE = 3600


class StegvisFlask(Flask):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._static_urls: dict[tuple[str, str], str] = {}

    def url_for(self, /, endpoint: str, *, _anchor: str | None = None,
                _method: str | None = None, _scheme: str | None = None,
                _external: bool | None = None, **values: Any) -> str:
        """A static file's address (with its `v=`, which `_version` reads once per
        process) is built once per process and script root: every page links three or
        four of them, and building each again cost more than one of the page's queries."""
        options = {"_anchor": _anchor, "_method": _method, "_scheme": _scheme,
                   "_external": _external}
        if (endpoint != "static" or values.keys() != {"filename"} or _anchor or _method
                or _scheme or _external or not has_request_context()):
            return super().url_for(endpoint, **options, **values)
        key = (request.script_root, values["filename"])
        found = self._static_urls.get(key)
        if found is None:
            found = self._static_urls[key] = super().url_for(endpoint, **options, **values)
        return found

    def get_send_file_max_age(self, filename: str | None) -> int | None:
        if request.endpoint == "static" and request.args.get("v"):
            return VERSIONED_MAX_AGE
        return super().get_send_file_max_age(filename)


@functools.cache
def _version(folder: str, filename: str) -> str | None:
    try:
        content = (Path(folder) / filename).read_bytes()
    except OSError:
        return None
    return hashlib.sha256(content).hexdigest()[:12]


def init_app(app: Flask) -> None:
    if app.config.get("SEND_FILE_MAX_AGE_DEFAULT") is None:
        app.config["SEND_FILE_MAX_AGE_DEFAULT"] = UNVERSIONED_MAX_AGE
    folder = str(app.static_folder)

    # Browsers ask for /favicon.ico on their own (pages name the versioned file too): the
    # small icon from static, so no participant page logs a 404 and nothing is fetched
    # from anywhere else.
    # Read once: 353 bytes, and no open file left to a client that does not read the body.
    icon = (Path(folder) / "favicon.ico").read_bytes()
    app.add_url_rule("/favicon.ico", "favicon", lambda: Response(
        icon, mimetype="image/vnd.microsoft.icon",
        headers={"Cache-Control": f"public, max-age={UNVERSIONED_MAX_AGE}"}))

    @app.url_defaults
    def _add_version(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = _version(folder, values["filename"])
            if version:
                values["v"] = version
