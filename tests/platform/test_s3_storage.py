"""Uploaded files in S3-compatible storage (AWS_STORAGE_BUCKET_NAME), against moto's S3 server
running as its own process on loopback: uploads land in the bucket, never on the local disk;
downloads are streamed by the app after the permission check (another business gets a 404 and
no URL to the bucket); the readiness probe covers the bucket; backups carry its objects."""

import io
import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client

from files.models import File
from tests import factories
from tests.factories import PDF_BYTES
from tests.s3server import ACCESS_KEY, REGION, SECRET_KEY, S3Server

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def s3_server():
    server = S3Server().start()
    yield server
    server.stop()


@pytest.fixture
def bucket(s3_server, settings):
    name = s3_server.create_bucket(f"cleopay-{uuid.uuid4().hex[:12]}")
    settings.STORAGES = {**settings.STORAGES, "default": s3_server.storage_settings(name)}
    return name


def _upload(client, content=PDF_BYTES, name="invoice.pdf"):
    data = {"file": SimpleUploadedFile(name, content, content_type="application/pdf")}
    return client.post("/api/files", data, format="multipart")


@pytest.mark.django_db
def test_upload_goes_to_the_bucket_and_not_to_the_disk(bucket, s3_server, owner, api):
    response = _upload(api(owner))
    assert response.status_code == 201, response.content
    record = File.objects.get(pk=response.json()["id"])
    keys = s3_server.keys(bucket)
    assert keys == [record.stored.name]
    assert keys[0].startswith(f"files/{owner.business.pk}/")
    body = s3_server.client().get_object(Bucket=bucket, Key=keys[0])["Body"].read()
    assert body == PDF_BYTES
    media = Path(django_settings.MEDIA_ROOT)
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))


@pytest.mark.django_db
def test_download_is_streamed_after_the_permission_check(bucket, owner, api):
    content = PDF_BYTES + b"\n% " + b"x" * 200_000  # more than one streamed chunk
    file_id = _upload(api(owner), content).json()["id"]

    response = api(owner).get(f"/api/files/{file_id}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]

    page = Client()
    page.force_login(owner)
    response = page.get(f"/b/{owner.business.pk}/files/{file_id}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content

    stranger = factories.MembershipFactory(role="owner").user
    response = api(stranger).get(f"/api/files/{file_id}")
    assert response.status_code == 404
    assert bucket not in response.content.decode()
    assert "Location" not in response


@pytest.mark.django_db
def test_files_of_the_bucket_are_private(bucket, s3_server, owner, api):
    """Nobody reads an object without the keys: no public ACL, no public URL."""
    import urllib.error
    import urllib.request

    file_id = _upload(api(owner)).json()["id"]
    key = File.objects.get(pk=file_id).stored.name
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{s3_server.endpoint}/{bucket}/{key}", timeout=5)
    assert refused.value.code == 403


@pytest.mark.django_db
def test_ready_checks_the_bucket(bucket, s3_server):
    response = Client().get("/health/ready")
    assert response.status_code == 200, response.content
    assert response.json()["checks"]["storage"]["ok"] is True
    assert s3_server.keys(bucket) == []  # the probe's file is gone


@pytest.mark.django_db
def test_a_bucket_that_is_down_is_not_ready(settings):
    server = S3Server().start()
    name = server.create_bucket("cleopay-going-down")
    settings.STORAGES = {**settings.STORAGES, "default": server.storage_settings(name)}
    assert Client().get("/health/ready").status_code == 200
    server.stop()
    started = time.monotonic()
    response = Client().get("/health/ready")
    assert response.status_code == 503
    storage = response.json()["checks"]["storage"]
    assert storage["ok"] is False
    assert ACCESS_KEY not in response.content.decode()
    assert time.monotonic() - started < 10


def test_the_bucket_setting_selects_s3_storage(s3_server, tmp_path):
    """AWS_STORAGE_BUCKET_NAME and friends, as an operator sets them, give a working storage."""
    name = s3_server.create_bucket(f"cleopay-{uuid.uuid4().hex[:12]}")
    script = (
        "import django; django.setup()\n"
        "from django.core.files.base import ContentFile\n"
        "from django.core.files.storage import default_storage as s\n"
        "n = s.save('probe/one.txt', ContentFile(b'stored'))\n"
        "print(type(s._wrapped).__name__, n, s.open(n).read().decode())\n"
    )
    environment = {
        "PATH": "/usr/bin:/bin",
        "ENV_FILE": "",
        "DEBUG": "1",
        "VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "cleopay.settings",
        "AWS_STORAGE_BUCKET_NAME": name,
        "AWS_S3_ENDPOINT_URL": s3_server.endpoint,
        "AWS_S3_REGION_NAME": REGION,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["S3Storage", "probe/one.txt", "stored"]
    assert s3_server.keys(name) == ["probe/one.txt"]


@pytest.fixture
def restore_database_url():
    params = connection.settings_dict
    name = f"{params['NAME']}_restore_s3"

    def url(database):
        password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
        host = params.get("HOST") or "127.0.0.1"
        return (
            f"postgres://{params['USER']}{password}@{host}:{params.get('PORT') or 5432}/{database}"
        )

    with psycopg.connect(url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield url(name)
    with psycopg.connect(url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_backup_carries_the_bucket_into_a_fresh_one(
    bucket, s3_server, owner, api, tmp_path, restore_database_url
):
    first = _upload(api(owner), PDF_BYTES + b"one").json()["id"]
    second = _upload(api(owner), PDF_BYTES + b"two").json()["id"]
    stored = {f.pk: f.stored.name for f in File.objects.filter(pk__in=[first, second])}
    call_command("backup", "--dir", str(tmp_path / "backups"), stdout=io.StringIO())

    fresh = s3_server.create_bucket(f"cleopay-restored-{uuid.uuid4().hex[:8]}")
    environment = {
        "PATH": "/usr/bin:/bin",
        "ENV_FILE": "",
        "DEBUG": "1",
        "VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": restore_database_url,
        "DATABASE_STATEMENT_TIMEOUT_MS": "0",
        "BACKUP_DIR": str(tmp_path / "backups"),
        "AWS_STORAGE_BUCKET_NAME": fresh,
        "AWS_S3_ENDPOINT_URL": s3_server.endpoint,
        "AWS_S3_REGION_NAME": REGION,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
    }
    restored = subprocess.run(
        [sys.executable, "manage.py", "restore"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert restored.returncode == 0, restored.stderr
    check = (
        "import json, django; django.setup()\n"
        "from files.models import File\n"
        "print(json.dumps({f.pk: [f.stored.name, f.stored.open('rb').read().decode('latin-1')]"
        " for f in File.objects.all()}))\n"
    )
    after = subprocess.run(
        [sys.executable, "-c", check],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "cleopay.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert after.returncode == 0, after.stderr
    files = json.loads(after.stdout)
    assert files[first] == [stored[first], (PDF_BYTES + b"one").decode("latin-1")]
    assert files[second] == [stored[second], (PDF_BYTES + b"two").decode("latin-1")]
    assert s3_server.keys(fresh) == sorted(stored.values())
