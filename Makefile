# Cleo Pay: `make run` (demo on SQLite, no servers) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in e-mails point at the server `make run` starts, unless SITE_URL is set.
SITE_URL ?= http://$(HOST):$(PORT)
VAR_DIR ?= var
QUEUES ?= celery,payments,email,webhooks

.PHONY: run test install lock lint format worker beat serve bench bench-lean clean migrate check shell backup restore

# The venv is installed from the lock files (exact versions, every file checked against its
# SHA-256): requirements*.txt say what we depend on, requirements*.lock what gets installed.
$(VENV)/.installed: requirements-dev.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements-dev.lock
	touch $@

install: $(VENV)/.installed

## lock: after editing requirements.txt or requirements-dev.txt, regenerate both lock files
## (pip-tools; newest versions allowed by the pins, with hashes). Commit all four files.
PIP_COMPILE = $(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links
lock:
	test -x $(VENV)/bin/pip-compile || $(PIP) install --quiet --require-hashes --no-deps -r requirements-dev.lock
	$(PIP_COMPILE) --output-file requirements.lock requirements.txt
	$(PIP_COMPILE) --output-file requirements-dev.lock requirements-dev.txt

## run: set up, migrate, load the demo data and serve on http://127.0.0.1:8000 (SQLite);
## make run PORT=8101 serves (and links e-mails to) :8101. The demo logins are printed last.
run: install
	DEBUG=$${DEBUG:-1} SITE_URL=$(SITE_URL) $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} SITE_URL=$(SITE_URL) $(PY) manage.py seed_demo
	DEBUG=$${DEBUG:-1} SITE_URL=$(SITE_URL) $(PY) manage.py runserver $(HOST):$(PORT)

## test: set up and run the whole suite (SQLite unless DATABASE_URL says otherwise)
test: install
	$(VENV)/bin/pytest $(PYTEST_ARGS)

## lint: ruff, and the import layers (lint-imports, contracts in pyproject.toml)
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## serve: production-style server (gunicorn, gthread); needs SECRET_KEY etc. in the environment
## (deploy/gunicorn.conf.py; put deploy/nginx/cleopay.conf in front of it)
serve: install
	GUNICORN_BIND=$${GUNICORN_BIND:-$(HOST):$(PORT)} $(VENV)/bin/gunicorn cleopay.wsgi -c deploy/gunicorn.conf.py

## worker: a Celery worker consuming every queue (see README "Background jobs")
worker: install
	$(VENV)/bin/celery -A cleopay worker --loglevel=info -E -Q $(QUEUES)

## beat: the periodic sweeps; its schedule file lives in VAR_DIR (default var/)
beat: install
	mkdir -p "$(VAR_DIR)"
	$(VENV)/bin/celery -A cleopay beat --loglevel=info --schedule "$(VAR_DIR)/celerybeat-schedule"

## migrate / check / shell: the usual manage.py commands (check runs the deploy checks too)
migrate: install
	DATABASE_STATEMENT_TIMEOUT_MS=0 $(PY) manage.py migrate --noinput

check: install
	$(PY) manage.py check --deploy --fail-level WARNING

shell: install
	$(PY) manage.py shell

## backup: pg_dump (custom format) of DATABASE_URL and a tar of MEDIA_ROOT into BACKUP_DIR
## restore: the newest backup in BACKUP_DIR (or make restore DUMP=path.dump) into DATABASE_URL
backup: install
	$(PY) manage.py backup

restore: install
	$(PY) manage.py restore $(DUMP)

## bench: the benchmark on a fresh PostgreSQL database (see BENCHMARKS.md); make bench SCALE=100k
SCALE ?= 1m
bench: install
	$(PY) -m bench --scale $(SCALE) $(BENCH_ARGS)

## bench-lean: only the CPU per operation against the lean floors (item 8), on the data there is
## (make bench-lean SCALE=10k BENCH_ARGS=--reuse; without --reuse it builds the dataset first)
bench-lean: install
	$(PY) -m bench --scale $(SCALE) --only lean $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var/ staticfiles/ .pytest_cache .ruff_cache
