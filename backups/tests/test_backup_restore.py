"""``manage.py backup`` and ``restore``.

The round trip runs ``manage.py`` in subprocesses against a real database (pytest-django's
SQLite test database is in memory, and restore replaces the database file): a SQLite file
in a temporary SAMENSPEL_VAR_DIR, and, when DATABASE_URL points at PostgreSQL, a scratch
database created and dropped on that server. The refusals run in-process on hand-made
archives; they must fail before anything live is touched.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import dj_database_url
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.models import User
from backups.services import DATABASE_MEMBERS, FORMAT, FORMAT_VERSION

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")
SCRIPT = "from backups.tests import roundtrip; roundtrip.{call}"


# --- The round trip -------------------------------------------------------------------


def _manage(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, MANAGE, *args],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
        check=False,
    )
    if check and result.returncode != 0:
        pytest.fail(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def _media_bytes(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A database URL for the subprocesses, and the scratch database behind it."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'var' / 'db.sqlite3'}"
        return
    url = _postgres_url()
    if url is None:
        pytest.skip("DATABASE_URL does not point at PostgreSQL")
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump / pg_restore are not installed")
    import psycopg

    config = dj_database_url.parse(url)
    scratch = f"samenspel_backup_{uuid.uuid4().hex[:12]}"
    params = {
        "host": config["HOST"] or None,
        "port": config["PORT"] or None,
        "user": config["USER"] or None,
        "password": config["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'CREATE DATABASE "{scratch}"')
    try:
        yield url.rsplit("/", 1)[0] + "/" + scratch
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


def test_round_trip_restores_every_table_and_file(tmp_path, database_url):
    var = tmp_path / "var"
    env = dict(os.environ)
    env.pop("MEDIA_ROOT", None)
    env.update(
        SAMENSPEL_VAR_DIR=str(var),
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="samenspel.settings_test",
    )
    media = var / "media"
    before, mutated, after = (tmp_path / f"{name}.json" for name in ("before", "mutated", "after"))

    _manage(env, "migrate", "--no-input", "-v0")
    _manage(env, "shell", "-c", SCRIPT.format(call="populate()"))
    (media / "notes").mkdir(parents=True)
    (media / "notes" / "plan.txt").write_bytes(b"een plan\n\x00\x01")
    _manage(env, "shell", "-c", SCRIPT.format(call=f"dump({str(before)!r})"))
    files_before = _media_bytes(media)
    assert len(files_before) == 2  # the attachment and plan.txt

    backup = _manage(env, "backup", "--output", str(tmp_path / "backups"))
    archives = list((tmp_path / "backups").glob("samenspel-backup-*.tar.gz"))
    assert len(archives) == 1, backup.stdout
    assert "2 files" in backup.stdout
    assert not [p for p in (tmp_path / "backups").iterdir() if p not in archives]

    _manage(env, "shell", "-c", SCRIPT.format(call="mutate()"))
    (media / "notes" / "plan.txt").write_bytes(b"overschreven")
    (media / "new.txt").write_bytes(b"na de backup")
    _manage(env, "shell", "-c", SCRIPT.format(call=f"dump({str(mutated)!r})"))
    assert json.loads(mutated.read_text()) != json.loads(before.read_text())
    assert _media_bytes(media) != files_before

    # On SQLite, search index files of the database the restore replaces (search.snapshot).
    _manage(env, "search_index_snapshot", "--force")
    snapshots = var / "search-index"
    assert bool(list(snapshots.glob("*/CURRENT"))) == database_url.startswith("sqlite")

    refused = _manage(env, "restore", str(archives[0]), check=False)
    assert refused.returncode != 0
    assert "--yes" in refused.stderr

    restored = _manage(env, "restore", str(archives[0]), "--yes")
    assert "Restored" in restored.stdout
    _manage(env, "shell", "-c", SCRIPT.format(call=f"dump({str(after)!r})"))

    tables_before = json.loads(before.read_text())
    tables_after = json.loads(after.read_text())
    assert sorted(tables_after) == sorted(tables_before)
    for table, rows in tables_before.items():
        assert tables_after[table] == rows, table
    assert any(len(rows) > 0 for rows in tables_before.values())
    assert _media_bytes(media) == files_before
    assert not list(var.glob(".samenspel-*"))
    assert not list(snapshots.glob("*/CURRENT"))  # discarded with the database


# --- Refusals -------------------------------------------------------------------------


def _archive(path: Path, members: dict[str, bytes], *, manifest: dict | None = None, **extra):
    """A snapshot-shaped archive with ``members``; ``manifest`` overrides the computed one."""
    vendor = extra.pop("vendor", connection.vendor)
    if manifest is None:
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": "2026-01-01T00:00:00Z",
            "database": {"vendor": vendor, "member": DATABASE_MEMBERS[vendor]},
            "migrations": {},
            "files": [
                {"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                for name, data in members.items()
            ],
        }
    with tarfile.open(path, "w:gz") as tar:
        for name, data in [*members.items(), ("manifest.json", json.dumps(manifest).encode())]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for info in extra.pop("links", []):
            tar.addfile(info)
    return path


@pytest.fixture
def live(tmp_path, settings, django_user_model):
    """A MEDIA_ROOT with one file and a database with one user, to prove nothing changes."""
    settings.MEDIA_ROOT = tmp_path / "site" / "media"
    settings.MEDIA_ROOT.mkdir(parents=True)
    (settings.MEDIA_ROOT / "kept.txt").write_bytes(b"blijft")
    django_user_model.objects.create(email="blijft@example.org", name="Blijft")
    return settings.MEDIA_ROOT


def _unchanged(media_root: Path) -> None:
    assert _media_bytes(media_root) == {"kept.txt": b"blijft"}
    assert list(User.objects.values_list("email", flat=True)) == ["blijft@example.org"]
    assert sorted(p.name for p in media_root.parent.iterdir()) == ["media"]


def _restore(path: Path, monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("yes\n"))
    call_command("restore", str(path), "--yes", stdout=io.StringIO())


def _db_member() -> str:
    return DATABASE_MEMBERS[connection.vendor]


@pytest.mark.django_db
def test_corrupt_member_is_refused_and_nothing_changes(tmp_path, live, monkeypatch):
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": "2026-01-01T00:00:00Z",
        "database": {"vendor": connection.vendor, "member": _db_member()},
        "migrations": {},
        "files": [
            {"name": _db_member(), "size": 2, "sha256": hashlib.sha256(b"db").hexdigest()},
            {"name": "media/x.txt", "size": 5, "sha256": hashlib.sha256(b"other").hexdigest()},
        ],
    }
    archive = _archive(
        tmp_path / "bad.tar.gz", {_db_member(): b"db", "media/x.txt": b"nieuw"}, manifest=manifest
    )
    with pytest.raises(CommandError, match="damaged.*checksum.*nothing was changed"):
        _restore(archive, monkeypatch)
    _unchanged(live)


@pytest.mark.django_db
def test_truncated_or_foreign_archive_is_refused(tmp_path, live, monkeypatch):
    good = _archive(tmp_path / "good.tar.gz", {_db_member(): b"db" * 5000})
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(good.read_bytes()[:200])
    with pytest.raises(CommandError, match="not a readable backup archive"):
        _restore(truncated, monkeypatch)

    foreign = tmp_path / "foreign.tar.gz"
    with tarfile.open(foreign, "w:gz") as tar:
        info = tarfile.TarInfo("readme.txt")
        tar.addfile(info, io.BytesIO(b""))
    with pytest.raises(CommandError, match="not a Samenspel backup.*no manifest"):
        _restore(foreign, monkeypatch)

    not_gzip = tmp_path / "plain.tar.gz"
    not_gzip.write_bytes(b"hello, not an archive")
    with pytest.raises(CommandError, match="not a readable backup archive"):
        _restore(not_gzip, monkeypatch)
    _unchanged(live)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    ["media/../../evil.txt", "/etc/evil.txt", "media/a/../../../evil.txt", "elsewhere.txt"],
)
def test_path_traversal_member_is_refused(tmp_path, live, monkeypatch, name):
    archive = _archive(tmp_path / "evil.tar.gz", {_db_member(): b"db", name: b"evil"})
    with pytest.raises(CommandError, match="unsafe member"):
        _restore(archive, monkeypatch)
    _unchanged(live)
    assert not (tmp_path / "evil.txt").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [tarfile.SYMTYPE, tarfile.LNKTYPE])
def test_links_are_refused(tmp_path, live, monkeypatch, kind):
    link = tarfile.TarInfo("media/link")
    link.type = kind
    link.linkname = "/etc/passwd"
    archive = _archive(tmp_path / "link.tar.gz", {_db_member(): b"db"}, links=[link])
    with pytest.raises(CommandError, match="unsafe member 'media/link' \\(a link\\)"):
        _restore(archive, monkeypatch)
    _unchanged(live)


@pytest.mark.django_db
def test_snapshot_of_another_vendor_is_refused(tmp_path, live, monkeypatch):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    archive = _archive(tmp_path / "other.tar.gz", {DATABASE_MEMBERS[other]: b"db"}, vendor=other)
    with pytest.raises(CommandError, match=f"snapshot is of a {other} database"):
        _restore(archive, monkeypatch)
    _unchanged(live)


@pytest.mark.django_db
def test_restore_without_yes_needs_a_terminal(tmp_path, live, monkeypatch):
    archive = _archive(tmp_path / "a.tar.gz", {_db_member(): b"db"})
    monkeypatch.setattr(sys, "stdin", io.StringIO("yes\n"))
    with pytest.raises(CommandError, match="without --yes"):
        call_command("restore", str(archive), stdout=io.StringIO())
    _unchanged(live)


def test_missing_pg_dump_is_a_clear_error(monkeypatch):
    from backups import services

    monkeypatch.setattr(services.shutil, "which", lambda name: None)
    with pytest.raises(services.BackupError, match="pg_dump was not found"):
        services._pg_command("pg_dump")


def test_failing_pg_dump_shows_its_stderr(monkeypatch, tmp_path):
    from backups import services

    fake = tmp_path / "pg_dump"
    fake.write_text("#!/bin/sh\necho 'connection refused' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setattr(services.shutil, "which", lambda name: str(fake))
    with pytest.raises(services.BackupError, match="(?s)pg_dump failed.*connection refused"):
        services._run("pg_dump", ["--format=custom"])


def test_pg_password_goes_in_the_environment_only(monkeypatch, tmp_path):
    from types import SimpleNamespace

    from backups import services

    fake = tmp_path / "pg_dump"
    fake.write_text('#!/bin/sh\necho "ARGS $* PW=$PGPASSWORD" >&2\nexit 3\n')
    fake.chmod(0o755)
    db = {"NAME": "site", "USER": "web", "PASSWORD": "s3cret", "HOST": "db", "PORT": 5432}
    monkeypatch.setattr(services, "settings", SimpleNamespace(DATABASES={"default": db}))
    monkeypatch.setattr(services.shutil, "which", lambda name: str(fake))
    with pytest.raises(services.BackupError) as error:
        services._run("pg_dump", ["--format=custom"])
    message = str(error.value)
    assert "exit code 3" in message
    assert "--host db --port 5432 --username web --dbname site --format=custom" in message
    assert "PW=s3cret" in message
    assert "s3cret" not in message.split("PW=")[0]
