"""Production settings pass Django's deploy checks; the OpenAPI schema and docs are served."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE")
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_passes_with_production_settings(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="a-production-secret-key-that-is-long-and-random-4f9c2b7e1d8a6035",
        ALLOWED_HOSTS="pay.example.com",
        REDIS_URL="redis://127.0.0.1:6379/0",
        BANK_ACCOUNT_KEYS="qZ4o7b6oQ2Xh9m1c3y8Vt5Rk0Wn2Lp6Ds9Fj4Gh7Ka0=",
        DEBUG="0",
        VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_manage("check", DEBUG="0", VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
def test_schema_describes_the_api(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert "/api/auth/signup" in schema["paths"]
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert "Error" in schema["components"]["schemas"]
    responses = schema["paths"]["/api/businesses"]["post"]["responses"]
    assert {"201", "400", "401", "409"} <= set(responses)


@pytest.mark.django_db
def test_interactive_docs_are_served(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


def test_schema_generates_without_warnings_and_validates(tmp_path):
    result = run_manage(
        "spectacular",
        "--fail-on-warn",
        "--validate",
        "--file",
        str(tmp_path / "schema.yaml"),
        DEBUG="1",
    )
    assert result.returncode == 0, result.stdout + result.stderr
