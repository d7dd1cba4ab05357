"""The deployment files hang together: the image, the compose file, nginx and the systemd units."""

import re
from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("release", "web", "worker", "beat")


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def dockerfile_stages() -> list[list[str]]:
    """The Dockerfile's instructions (continuation lines joined), one list per stage."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    stages: list[list[str]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("FROM "):
            stages.append([])
        stages[-1].append(line)
    return stages


def test_the_image_is_built_in_two_stages_and_runs_as_a_user_without_build_tools():
    builder, final = dockerfile_stages()

    assert builder[0].endswith("AS builder")
    assert any(
        "pip install --require-hashes" in line
        and "requirements.lock" in line
        and "/opt/venv" in line
        for line in builder
    )
    assert final[0] == "FROM python:3.11-slim"
    assert "COPY --from=builder /opt/venv /opt/venv" in final
    assert not any(tool in line for line in final for tool in ("build-essential", "gcc"))
    users = [line.split()[1] for line in final if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    assert any(line.startswith("RUN") and "collectstatic --noinput" in line for line in final)
    assert final[-1] == 'CMD ["gunicorn", "cleopay.wsgi", "-c", "deploy/gunicorn.conf.py"]'


def test_secrets_and_local_state_stay_out_of_the_image():
    ignored = (ROOT / ".dockerignore").read_text().split()

    for path in (".env", ".venv", "var", ".git"):
        assert path in ignored


def test_compose_runs_every_service_with_a_healthcheck():
    services = compose()["services"]

    assert set(services) == {"postgres", "redis", "release", "web", "worker", "beat", "nginx"}
    for name, service in services.items():
        if name != "release":
            assert service["healthcheck"]["test"], name
            assert service["restart"] == "unless-stopped", name
    assert any("/health/ready" in part for part in services["web"]["healthcheck"]["test"])
    assert services["nginx"]["depends_on"]["web"]["condition"] == "service_healthy"


def test_the_release_step_migrates_once_before_the_app_starts():
    services = compose()["services"]

    release = services["release"]
    assert "manage.py migrate --noinput" in " ".join(release["command"])
    assert release["restart"] == "no"
    for name in ("postgres", "redis"):
        assert release["depends_on"][name]["condition"] == "service_healthy"
    for name in ("web", "worker", "beat"):
        condition = services[name]["depends_on"]["release"]["condition"]
        assert condition == "service_completed_successfully", name


def test_the_app_services_read_the_env_file_and_reach_the_compose_servers():
    services = compose()["services"]

    for name in APP_SERVICES:
        service = services[name]
        assert service["env_file"] == ".env", name
        assert service["environment"]["DATABASE_URL"].endswith("@postgres:5432/cleopay"), name
        assert service["environment"]["REDIS_URL"] == "redis://redis:6379/0", name
        assert "media:/app/var/media" in service["volumes"] or name == "beat", name


def test_every_named_volume_is_declared_and_used():
    data = compose()
    declared = set(data["volumes"])
    used = set()
    for service in data["services"].values():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if not source.startswith((".", "/")):
                used.add(source)
            else:
                assert (ROOT / source).exists(), volume

    assert used == declared == {"pgdata", "redisdata", "media", "static", "beat"}


def test_every_variable_compose_uses_is_documented_in_env_example():
    used = set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)", (ROOT / "compose.yaml").read_text()))
    example = (ROOT / ".env.example").read_text()
    documented = set(re.findall(r"^#? ?([A-Z_][A-Z0-9_]*)=", example, flags=re.MULTILINE))

    assert used, "compose.yaml reads no variable: the check would be empty"
    assert used <= documented, used - documented


def nginx_directives() -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for line in (ROOT / "deploy" / "nginx" / "cleopay.conf").read_text().splitlines():
        line = line.split("#", 1)[0].strip().rstrip(";")
        if line and not line.endswith(("{", "}")):
            name, _, value = line.partition(" ")
            directives.setdefault(name, []).append(value.strip())
    return directives


def test_nginx_buffers_slow_clients_and_accepts_the_largest_upload():
    directives = nginx_directives()

    assert directives["client_header_timeout"] == ["10s"]
    assert directives["client_body_timeout"] == ["20s"]
    assert directives["proxy_request_buffering"] == ["on"]
    size = directives["client_max_body_size"][0]
    assert int(size.removesuffix("m")) * 1024 * 1024 == settings.FILE_UPLOAD_MAX_REQUEST_BYTES
    headers = directives["proxy_set_header"]
    assert "X-Forwarded-For $proxy_add_x_forwarded_for" in headers
    assert "X-Forwarded-Proto $scheme" in headers
    assert directives["server"] == ["127.0.0.1:8000"]


def test_nginx_serves_static_files_but_never_the_uploads():
    text = (ROOT / "deploy" / "nginx" / "cleopay.conf").read_text()

    assert "location /static/ {\n        alias /srv/cleopay/staticfiles/;" in text
    assert "location /media/" not in text


def test_the_systemd_units_run_what_make_runs():
    units = ROOT / "deploy" / "systemd"
    makefile = (ROOT / "Makefile").read_text()
    queues = re.search(r"^QUEUES \?= (\S+)$", makefile, flags=re.MULTILINE).group(1)

    web = (units / "cleopay-web.service").read_text()
    worker = (units / "cleopay-worker.service").read_text()
    beat = (units / "cleopay-beat.service").read_text()
    assert "gunicorn cleopay.wsgi -c deploy/gunicorn.conf.py" in web
    assert f"celery -A cleopay worker --loglevel=info -E -Q {queues}\n" in worker
    assert "celery -A cleopay beat" in beat
    for unit in (web, worker, beat):
        assert "User=cleopay" in unit
        assert "EnvironmentFile=/srv/cleopay/.env" in unit
        assert "WantedBy=multi-user.target" in unit
