# syntax=docker/dockerfile:1
# Cleo Pay: one image for web (gunicorn), worker and beat (Celery) and the release step.
# `docker compose up` (compose.yaml) runs them all; README "Deploying" tells the rest.

# --- builder: the requirements into a virtualenv, with whatever a wheel build needs ------------
FROM python:3.11-slim AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential \
 && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
COPY requirements.lock /tmp/requirements.lock
RUN /opt/venv/bin/pip install --require-hashes --no-deps -r /tmp/requirements.lock

# --- final: the virtualenv and the code, no compilers, a non-root user -------------------------
FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VAR_DIR=/app/var \
    MEDIA_ROOT=/app/var/media \
    GUNICORN_BIND=0.0.0.0:8000
# pg_dump/pg_restore for `manage.py backup` / `restore`.
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin cleopay
WORKDIR /app
COPY --from=builder /opt/venv /opt/venv
COPY --chown=cleopay:cleopay . /app
# Static files are collected into the image (STATIC_ROOT); the key only lets the settings load.
RUN DEBUG=0 SECRET_KEY=collectstatic-at-build-time-only ENV_FILE=/nonexistent \
    python manage.py collectstatic --noinput \
 && mkdir -p /app/var/media /app/var/beat \
 && chown -R cleopay:cleopay /app/staticfiles /app/var
USER cleopay
EXPOSE 8000
CMD ["gunicorn", "cleopay.wsgi", "-c", "deploy/gunicorn.conf.py"]
