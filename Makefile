# Cleo Pay: `make run` (demo on SQLite, no servers) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in e-mails point at the server `make run` starts, unless SITE_URL is set.
SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test install lint format worker beat serve bench clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

## run: set up, migrate, load the demo data and serve on http://127.0.0.1:8000 (SQLite);
## make run PORT=8101 serves (and links e-mails to) :8101. The demo logins are printed last.
run: install
	DEBUG=$${DEBUG:-1} SITE_URL=$(SITE_URL) $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} SITE_URL=$(SITE_URL) $(PY) manage.py seed_demo
	DEBUG=$${DEBUG:-1} SITE_URL=$(SITE_URL) $(PY) manage.py runserver $(HOST):$(PORT)

## test: set up and run the whole suite (SQLite unless DATABASE_URL says otherwise)
test: install
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## serve: production-style server (gunicorn, gthread); needs SECRET_KEY etc. in the environment
serve: install
	$(VENV)/bin/gunicorn cleopay.wsgi --bind $(HOST):$(PORT) --worker-class gthread --workers 2 --threads 4

worker: install
	$(VENV)/bin/celery -A cleopay worker --loglevel=info

beat: install
	$(VENV)/bin/celery -A cleopay beat --loglevel=info --schedule var/celerybeat-schedule

## bench: the benchmark on a fresh PostgreSQL database (see BENCHMARKS.md); make bench SCALE=100k
SCALE ?= 1m
bench: install
	$(PY) -m bench --scale $(SCALE) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var/ staticfiles/ .pytest_cache .ruff_cache
