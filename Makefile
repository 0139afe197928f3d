# Stegvis. The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
INSTALLED := $(VENV)/.installed
# The port `make run` serves on (PORT=5301 make run); links, QR codes, letters and SMS
# point to it (survey/config.py reads FLASK_RUN_PORT, which `flask run` itself obeys).
PORT ?= 5000

.PHONY: run test bench lint translations compile-translations fonts audio install system-deps clean

# Debian packages beside Python (PostgreSQL, Chromium, espeak-ng...), when missing.
system-deps:
	scripts/system-deps.sh

$(INSTALLED): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,postgres]'
	touch $(INSTALLED)

install: $(INSTALLED)

compile-translations: $(INSTALLED)
	$(PY) -m survey.catalogs compile

run: system-deps install compile-translations audio
	$(FLASK) init-db
	FLASK_RUN_PORT=$(PORT) $(FLASK) demo
	@echo "Stegvis körs på http://127.0.0.1:$(PORT) (avsluta med Ctrl+C)"
# The report runner beside the web server (reports are made there, not in requests);
# Ctrl+C stops both.
	$(FLASK) report-worker & runner=$$!; trap 'kill $$runner 2>/dev/null' EXIT INT TERM; \
	FLASK_RUN_PORT=$(PORT) $(FLASK) run --host 127.0.0.1

# axe-core for the accessibility scan (pinned in tests/browser/package-lock.json).
tests/browser/node_modules/axe-core/axe.min.js: tests/browser/package-lock.json
	npm ci --no-audit --no-fund --prefix tests/browser >/dev/null
	touch $@

test: system-deps install compile-translations tests/browser/node_modules/axe-core/axe.min.js
	$(PY) -m pytest

bench: system-deps install compile-translations
	$(PY) -m bench

lint: install
	$(VENV)/bin/ruff check .

translations: install
	$(PY) -m survey.catalogs update
	$(PY) -m survey.catalogs compile

# Subset web fonts (Arabic script, Ethiopic) from Debian's fonts-noto-core; committed.
fonts: install
	$(PY) -m survey.fonts

# Read-aloud audio generated with espeak-ng + lame where no human recording exists.
audio: install compile-translations
	$(PY) -m survey.readaloud build

clean:
	rm -rf $(VENV) instance .pytest_cache
