"""Backups: the PostgreSQL database as a ``pg_dump --format=custom`` file plus a tar of MEDIA_ROOT,
side by side in BACKUP_DIR, and the way back with ``pg_restore``.

PostgreSQL's own tools do the database (they are the only consistent, version-tolerant dump);
this module only finds the connection in the settings (so ``.env`` and DATABASE_URL are read as
the app reads them) and pairs the dump with the uploaded files: MEDIA_ROOT, or every object of
the bucket when the files live in S3-compatible storage (AWS_STORAGE_BUCKET_NAME).
"""

import io
import os
import subprocess
import tarfile
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage, default_storage, storages
from django.db import connections

DUMP_SUFFIX = ".dump"
MEDIA_SUFFIX = ".media.tar.gz"


class BackupError(Exception):
    pass


def _pg_environment(alias: str) -> tuple[dict, str]:
    """The libpq environment and database name of the connection ``alias``."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        raise BackupError("Backups need PostgreSQL: set DATABASE_URL to a postgres:// URL.")
    params = connection.settings_dict
    env = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if params.get(key):
            env[variable] = str(params[key])
    return env, params["NAME"]


def _run(args: list[str], env: dict) -> None:
    # The arguments are fixed here; only paths and the database name come from the settings.
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{args[0]} failed: {result.stderr.strip()}")


def back_up(directory: Path | None = None, *, alias: str = "default") -> Path:
    """Dump the database and tar MEDIA_ROOT into ``directory``; return the dump's path."""
    directory = Path(directory or settings.BACKUP_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    env, name = _pg_environment(alias)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    dump = directory / f"cleopay-{stamp}{DUMP_SUFFIX}"
    _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(dump), name], env)
    with tarfile.open(media_path(dump), "w:gz") as archive:
        if _on_local_disk():
            media_root = Path(settings.MEDIA_ROOT)
            if media_root.is_dir():
                for entry in sorted(media_root.iterdir()):
                    archive.add(entry, arcname=entry.name)
        else:
            for name in stored_names():
                with default_storage.open(name, "rb") as handle:
                    content = handle.read()
                info = tarfile.TarInfo(name)
                info.size = len(content)
                info.mtime = int(datetime.now(UTC).timestamp())
                archive.addfile(info, io.BytesIO(content))
    return dump


def _on_local_disk() -> bool:
    return isinstance(storages["default"], FileSystemStorage)


def stored_names(directory: str = "") -> list[str]:
    """Every file name in the default storage, under ``directory``, sorted."""
    folders, files = default_storage.listdir(directory)
    names = [f"{directory}/{name}" if directory else name for name in files]
    for folder in folders:
        names.extend(stored_names(f"{directory}/{folder}" if directory else folder))
    return sorted(names)


def media_path(dump: Path) -> Path:
    return dump.with_name(dump.name.removesuffix(DUMP_SUFFIX) + MEDIA_SUFFIX)


def latest(directory: Path | None = None) -> Path:
    dumps = sorted(Path(directory or settings.BACKUP_DIR).glob(f"cleopay-*{DUMP_SUFFIX}"))
    if not dumps:
        raise BackupError(f"No backup in {directory or settings.BACKUP_DIR}.")
    return dumps[-1]


def restore(dump: Path, *, alias: str = "default") -> None:
    """Load ``dump`` into the configured database (replacing what its objects hold) and unpack
    its media tar into MEDIA_ROOT (files of the same name are overwritten, others are kept)."""
    dump = Path(dump)
    if not dump.is_file():
        raise BackupError(f"No such backup: {dump}")
    env, name = _pg_environment(alias)
    connections[alias].close()
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-acl",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            name,
            str(dump),
        ],
        env,
    )
    media = media_path(dump)
    if not media.is_file():
        return
    if _on_local_disk():
        media_root = Path(settings.MEDIA_ROOT)
        media_root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(media) as archive:
            archive.extractall(media_root, filter="data")
        return
    with tarfile.open(media) as archive:
        for member in archive:
            # Refuses absolute names, ".." and links, as extracting to a disk would.
            member = tarfile.data_filter(member, "/media")
            if not member.isfile():
                continue
            handle = archive.extractfile(member)
            # The bucket never overwrites on save (``file_overwrite``): replace explicitly.
            if default_storage.exists(member.name):
                default_storage.delete(member.name)
            saved = default_storage.save(member.name, File(handle))
            if saved != member.name:
                raise BackupError(f"{member.name} came back as {saved}")
