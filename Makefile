# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
TEST_SETTINGS := DJANGO_SETTINGS_MODULE=samenspel.settings_test
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run serve-prod worker test test-postgres install demo lint format messages browser-deps check-deploy bench

$(VENV)/.installed: pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

## make run: install, migrate the SQLite database (and create the cache table), load the demo
## library, serve on PORT (8000) with the background worker (django-q2, its queue in the same
## database) beside it; when runserver stops (Ctrl-C), the worker is stopped too.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py load_demo
	$(PY) manage.py search_index_snapshot
	@$(PY) manage.py qcluster & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

## make serve-prod: production serving on one machine (deploy/serve-prod.sh): PostgreSQL from
## DATABASE_URL, DEBUG=false, SECRET_KEY and ALLOWED_HOSTS from the environment or
## deploy/samenspel.env; migrate, createcachetable, collectstatic, then gunicorn
## (deploy/gunicorn.conf.py, on 127.0.0.1:PORT unless GUNICORN_BIND says otherwise) and the
## worker, stopped together.
serve-prod: install
	GUNICORN_BIND="$${GUNICORN_BIND:-127.0.0.1:$(PORT)}" bash deploy/serve-prod.sh

## make worker: the background worker alone (manage.py qcluster), e.g. beside a web server
## started another way; it uses the database (or Redis with TASK_BROKER=redis) of the settings.
worker: install
	$(PY) manage.py qcluster

demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo

## make test: lint, migration check and the whole test suite, browser tests included, on SQLite
## and then on PostgreSQL 15 + pgvector (skipped with a notice only where that cannot be installed).
test: install browser-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(TEST_SETTINGS) $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest
	@$(MAKE) --no-print-directory test-postgres

## make test-postgres: the whole suite on a throwaway PostgreSQL 15 + pgvector on 127.0.0.1:5433
## (.ci/postgres.sh builds pgvector once and starts the cluster; data in /tmp). Exit 77 from the
## script means "cannot be installed here" (not root and no sudo, or no network): a notice, except
## on CI, where the PostgreSQL run is required.
PG_TEST_URL := postgres://postgres@127.0.0.1:5433/samenspel
test-postgres: install browser-deps
	@rc=0; bash .ci/postgres.sh >/dev/null || rc=$$?; \
	if [ $$rc -eq 77 ] && [ "$${CI:-}" != "true" ] && [ "$${CI:-}" != "1" ]; then \
		echo "NOTICE: PostgreSQL 15 + pgvector cannot be set up on this machine (see above): the"; \
		echo "NOTICE: PostgreSQL run is SKIPPED. 'make test-postgres' as root (or with sudo) adds it."; \
	elif [ $$rc -ne 0 ]; then \
		echo "ERROR: .ci/postgres.sh failed (exit $$rc); the PostgreSQL run is required here." >&2; exit 1; \
	else \
		echo "Running the test suite on PostgreSQL 15 + pgvector ($(PG_TEST_URL))"; \
		DATABASE_URL=$(PG_TEST_URL) $(VENV)/bin/pytest; \
	fi

# Debian's Chromium drives the browser tests (Playwright never downloads a browser here);
# gettext lets the translation test compare the catalogue with the source; redis-server lets
# the two-server test share state through Redis as well as through the database.
browser-deps:
	@if ! command -v chromium >/dev/null || ! command -v xgettext >/dev/null || ! command -v redis-server >/dev/null; then \
		if [ "$$(id -u)" = "0" ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium gettext redis-server >/dev/null; \
		else \
			sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium gettext redis-server >/dev/null; \
		fi; \
	fi

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## make messages: refresh the Dutch catalogue from the source, then compile it.
messages: install
	$(PY) manage.py makemessages -l nl -l en --no-obsolete --ignore=.venv --ignore=var --ignore=bench
	$(PY) manage.py compilemessages --ignore=.venv

check-deploy: install
	DEBUG=false SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))') \
		ALLOWED_HOSTS=samenspel.example.org $(PY) manage.py check --deploy --fail-level WARNING

bench: install
	$(PY) bench/pages.py
