"""Snapshots of the database and the uploaded files, and bringing one back.

A snapshot is one ``samenspel-backup-YYYYmmdd-HHMMSS.tar.gz`` holding

- ``database.sqlite3`` (SQLite, copied with the online backup API, so the copy is consistent
  while the site runs) or ``database.pgdump`` (PostgreSQL, ``pg_dump --format=custom``);
- ``media/...``: the MEDIA_ROOT tree;
- ``manifest.json`` (last): format and version, when (UTC), the database vendor, the latest
  applied migrations per app, and every other member with its size and sha256.

The archive is written under a temporary name and renamed when complete. Restoring first
extracts and checks everything into a temporary directory (manifest, checksums, member
names, database vendor, migrations) and only then replaces the database and MEDIA_ROOT.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from search import snapshot as search_snapshot

FORMAT = "samenspel-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
CHUNK = 1024 * 1024

ERROR_IN_MEMORY = "The database is in memory ({name}); there is no file to back up or restore."
ERROR_VENDOR = "Backups support SQLite and PostgreSQL; this database is {vendor}."
ERROR_NO_TOOL = "{tool} was not found on PATH; install the PostgreSQL client (postgresql-client)."
ERROR_TOOL_FAILED = "{tool} failed (exit code {code}):\n{stderr}"
ERROR_UNREADABLE = "{path} is not a readable backup archive ({reason}); nothing was changed."
ERROR_FOREIGN = "{path} is not a Samenspel backup ({reason}); nothing was changed."
ERROR_CORRUPT = "{path} is damaged: {reason}; nothing was changed."
ERROR_UNSAFE = "{path} holds an unsafe member {name!r} ({reason}); nothing was changed."
ERROR_VENDOR_MISMATCH = (
    "The snapshot is of a {snapshot} database, but this site uses {current}; nothing was changed."
)
ERROR_NEWER_MIGRATIONS = (
    "The snapshot has migrations this code does not know ({names}); update the code "
    "first. Nothing was changed."
)
ERROR_OUTPUT = "Cannot write the backup to {path}: {reason}"

Progress = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass
class BackupResult:
    path: Path
    files: int
    media_bytes: int
    database_bytes: int
    archive_bytes: int


@dataclass
class CheckedBackup:
    """A snapshot extracted into ``staging`` and verified; nothing live has changed yet."""

    archive: Path
    manifest: dict
    staging: Path
    database_file: Path
    media_dir: Path
    media_files: int = 0
    media_bytes: int = 0
    unapplied: list[str] = field(default_factory=list)

    def cleanup(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover


def _quiet(_message: str) -> None:
    pass


# --- The database ---------------------------------------------------------------------


def _vendor() -> str:
    vendor = connection.vendor
    if vendor not in DATABASE_MEMBERS:
        raise BackupError(ERROR_VENDOR.format(vendor=vendor))
    return vendor


def _sqlite_path() -> Path:
    name = str(settings.DATABASES["default"]["NAME"])
    if name == ":memory:" or "mode=memory" in name or not name:
        raise BackupError(ERROR_IN_MEMORY.format(name=name or "no name"))
    return Path(name)


def _pg_command(tool: str) -> tuple[list[str], dict[str, str]]:
    """``tool`` with the connection from settings; the password goes in the environment only."""
    executable = shutil.which(tool)
    if executable is None:
        raise BackupError(ERROR_NO_TOOL.format(tool=tool))
    db = settings.DATABASES["default"]
    args = [executable, "--no-password"]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    args += ["--dbname", str(db["NAME"])]
    env = dict(os.environ)
    env.pop("PGPASSWORD", None)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    options = db.get("OPTIONS") or {}
    for option, variable in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
    ):
        if options.get(option):
            env[variable] = str(options[option])
    return args, env


def _run(tool: str, extra: list[str]) -> None:
    args, env = _pg_command(tool)
    try:
        result = subprocess.run(  # noqa: S603 - fixed executable, arguments from settings
            args + extra, env=env, capture_output=True, text=True, check=False
        )
    except OSError as exc:
        raise BackupError(ERROR_TOOL_FAILED.format(tool=tool, code="-", stderr=exc)) from exc
    if result.returncode != 0:
        raise BackupError(
            ERROR_TOOL_FAILED.format(
                tool=tool, code=result.returncode, stderr=result.stderr.strip() or "(no output)"
            )
        )


def _dump_database(vendor: str, target: Path) -> None:
    if vendor == "sqlite":
        source_path = _sqlite_path()
        if not source_path.is_file():
            raise BackupError(f"The SQLite database {source_path} does not exist.")
        source = sqlite3.connect(source_path)
        try:
            dest = sqlite3.connect(target)
            try:
                source.backup(dest)
                # One self-contained file: no -wal beside it when it is restored.
                dest.execute("PRAGMA journal_mode=DELETE")
            finally:
                dest.close()
        finally:
            source.close()
    else:
        _run("pg_dump", ["--format=custom", "--file", str(target)])


def _migration_state() -> dict[str, list[str]]:
    """Per app, the applied migrations that no other applied migration of the app follows."""
    applied = set(MigrationRecorder(connection).applied_migrations())
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    latest: dict[str, list[str]] = {}
    for app, name in sorted(applied):
        key = (app, name)
        later = key in graph.nodes and any(
            child.key[0] == app and child.key in applied for child in graph.node_map[key].children
        )
        if not later:
            latest.setdefault(app, []).append(name)
    return latest


# --- Backup ---------------------------------------------------------------------------


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class _HashingReader:
    def __init__(self, handle):
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _media_files(root: Path) -> list[tuple[str, Path]]:
    if not root.is_dir():
        return []
    found = []
    for directory, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for filename in sorted(filenames):
            path = Path(directory) / filename
            if path.is_symlink() or not path.is_file():
                continue  # only regular files; a restore refuses links anyway
            found.append((path.relative_to(root).as_posix(), path))
    return found


def _output_path(output: str | Path | None, now: datetime) -> Path:
    name = f"samenspel-backup-{now:%Y%m%d-%H%M%S}.tar.gz"
    if output is None:
        return Path(settings.VAR_DIR) / "backups" / name
    path = Path(output)
    # A file name must end in .tar.gz or .tgz; anything else is a directory (made if missing).
    if path.is_dir() or not path.name.endswith((".tar.gz", ".tgz")):
        return path / name
    return path


def backup_create(*, output: str | Path | None = None, progress: Progress = _quiet) -> BackupResult:
    """Write a snapshot to ``output`` (a directory or a file name) and return what it holds."""
    vendor = _vendor()
    now = datetime.now(UTC).replace(microsecond=0)
    target = _output_path(output, now)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(ERROR_OUTPUT.format(path=target, reason=exc)) from exc
    media_root = Path(settings.MEDIA_ROOT)
    db_member = DATABASE_MEMBERS[vendor]

    with tempfile.TemporaryDirectory(prefix=".samenspel-backup-", dir=target.parent) as work:
        work_dir = Path(work)
        db_file = work_dir / db_member
        progress(f"Copying the {vendor} database...")
        _dump_database(vendor, db_file)
        db_size = db_file.stat().st_size
        progress(f"  database: {human_size(db_size)}")
        migrations = _migration_state()

        entries = [{"name": db_member, "size": db_size, "sha256": _sha256_file(db_file)}]
        partial = work_dir / (target.name + ".partial")
        media = _media_files(media_root)
        progress(f"Adding {len(media)} uploaded files from {media_root}...")
        media_bytes = 0
        try:
            with tarfile.open(partial, "w:gz") as tar:
                tar.add(db_file, arcname=db_member, recursive=False)
                for relative, path in media:
                    name = MEDIA_PREFIX + relative
                    with path.open("rb") as handle:
                        info = tar.gettarinfo(arcname=name, fileobj=handle)
                        reader = _HashingReader(handle)
                        tar.addfile(info, reader)
                    entries.append(
                        {"name": name, "size": info.size, "sha256": reader.digest.hexdigest()}
                    )
                    media_bytes += info.size
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "created_at": now.isoformat().replace("+00:00", "Z"),
                    "database": {"vendor": vendor, "member": db_member},
                    "migrations": migrations,
                    "files": entries,
                }
                data = json.dumps(manifest, indent=2, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(data)
                info.mtime = int(now.timestamp())
                info.mode = 0o644
                tar.addfile(info, _BytesReader(data))
            os.replace(partial, target)
        except OSError as exc:
            raise BackupError(ERROR_OUTPUT.format(path=target, reason=exc)) from exc
    result = BackupResult(
        path=target,
        files=len(media),
        media_bytes=media_bytes,
        database_bytes=db_size,
        archive_bytes=target.stat().st_size,
    )
    progress(
        f"  {result.files} files, {human_size(media_bytes)}; "
        f"archive {human_size(result.archive_bytes)}"
    )
    return result


class _BytesReader:
    def __init__(self, data: bytes):
        self.data = data
        self.offset = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.offset + size
        chunk = self.data[self.offset : end]
        self.offset += len(chunk)
        return chunk


# --- Restore: check ---------------------------------------------------------------------


def _unsafe_reason(member: tarfile.TarInfo) -> str | None:
    name = member.name
    if member.issym() or member.islnk():
        return "a link"
    if not (member.isfile() or member.isdir()):
        return "not a regular file or directory"
    if name.startswith(("/", "\\")) or PurePosixPath(name).is_absolute() or ":" in name[:3]:
        return "an absolute path"
    parts = PurePosixPath(name).parts
    if ".." in parts or "\\" in name or "\x00" in name:
        return "a path outside the archive"
    return None


def _read_manifest(tar: tarfile.TarFile, path: Path) -> dict:
    try:
        member = tar.getmember(MANIFEST)
    except KeyError:
        raise BackupError(ERROR_FOREIGN.format(path=path, reason="no manifest.json")) from None
    handle = tar.extractfile(member) if member.isfile() else None
    if handle is None:
        raise BackupError(ERROR_FOREIGN.format(path=path, reason="manifest.json is not a file"))
    try:
        manifest = json.loads(handle.read())
    except ValueError as exc:
        reason = f"manifest.json is not JSON: {exc}"
        raise BackupError(ERROR_FOREIGN.format(path=path, reason=reason)) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(ERROR_FOREIGN.format(path=path, reason="the manifest is not ours"))
    if manifest.get("format_version") != FORMAT_VERSION:
        reason = f"format version {manifest.get('format_version')!r}, expected {FORMAT_VERSION}"
        raise BackupError(ERROR_FOREIGN.format(path=path, reason=reason))
    database = manifest.get("database")
    files = manifest.get("files")
    if (
        not isinstance(database, dict)
        or database.get("vendor") not in DATABASE_MEMBERS
        or database.get("member") != DATABASE_MEMBERS[database["vendor"]]
        or not isinstance(files, list)
        or not all(
            isinstance(entry, dict)
            and isinstance(entry.get("name"), str)
            and isinstance(entry.get("size"), int)
            and isinstance(entry.get("sha256"), str)
            for entry in files
        )
    ):
        raise BackupError(ERROR_FOREIGN.format(path=path, reason="the manifest is incomplete"))
    return manifest


def _check_migrations(manifest: dict) -> list[str]:
    """Refuse a snapshot ahead of this code; return the code's migrations it lacks."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    snapshot = manifest.get("migrations") or {}
    unknown = [
        f"{app}.{name}"
        for app, names in sorted(snapshot.items())
        for name in names
        if (app, name) not in graph.nodes
    ]
    if unknown:
        raise BackupError(ERROR_NEWER_MIGRATIONS.format(names=", ".join(unknown)))
    covered: set[tuple[str, str]] = set()
    for app, names in snapshot.items():
        for name in names:
            covered.update(graph.forwards_plan((app, name)))
    return sorted(f"{app}.{name}" for app, name in graph.nodes if (app, name) not in covered)


def backup_check(*, archive: str | Path, progress: Progress = _quiet) -> CheckedBackup:
    """Extract ``archive`` into a temporary directory and verify all of it.

    Raises BackupError for an unreadable, foreign, damaged or unsafe archive, a snapshot of
    another database vendor or one ahead of this code. Nothing live is touched.
    """
    path = Path(archive)
    vendor = _vendor()
    if not path.is_file():
        raise BackupError(ERROR_UNREADABLE.format(path=path, reason="no such file"))
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".samenspel-restore-", dir=media_root.parent))
    try:
        checked = _extract_and_verify(path, vendor, staging)
        checked.unapplied = _check_migrations(checked.manifest)
        if vendor == "sqlite":
            _sqlite_path()
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise BackupError(ERROR_UNREADABLE.format(path=path, reason=exc)) from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    progress(
        f"Checked {path.name}: taken {checked.manifest['created_at']}, {vendor} database, "
        f"{checked.media_files} files ({human_size(checked.media_bytes)})."
    )
    return checked


def _extract_and_verify(path: Path, vendor: str, staging: Path) -> CheckedBackup:
    with tarfile.open(path, "r:gz") as tar:
        manifest = _read_manifest(tar, path)
        snapshot_vendor = manifest["database"]["vendor"]
        if snapshot_vendor != vendor:
            raise BackupError(
                ERROR_VENDOR_MISMATCH.format(snapshot=snapshot_vendor, current=vendor)
            )
        expected = {entry["name"]: entry for entry in manifest["files"]}
        db_member = manifest["database"]["member"]
        if db_member not in expected:
            raise BackupError(ERROR_CORRUPT.format(path=path, reason="the database is not listed"))
        seen: set[str] = set()
        media_dir = staging / "media"
        media_dir.mkdir()
        checked = CheckedBackup(
            archive=path,
            manifest=manifest,
            staging=staging,
            database_file=staging / db_member,
            media_dir=media_dir,
        )
        for member in tar:
            reason = _unsafe_reason(member)
            if reason:
                raise BackupError(ERROR_UNSAFE.format(path=path, name=member.name, reason=reason))
            name = member.name
            if member.isdir() or name == MANIFEST:
                continue
            if name in seen:
                raise BackupError(ERROR_UNSAFE.format(path=path, name=name, reason="twice"))
            if name not in expected:
                raise BackupError(
                    ERROR_CORRUPT.format(path=path, reason=f"{name!r} is not in the manifest")
                )
            seen.add(name)
            if name == db_member:
                target = checked.database_file
            elif name.startswith(MEDIA_PREFIX) and len(name) > len(MEDIA_PREFIX):
                target = media_dir / name[len(MEDIA_PREFIX) :]
            else:
                raise BackupError(ERROR_UNSAFE.format(path=path, name=name, reason="unexpected"))
            if not target.resolve().is_relative_to(staging.resolve()):
                raise BackupError(ERROR_UNSAFE.format(path=path, name=name, reason="outside"))
            target.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            size = 0
            source = tar.extractfile(member)
            with target.open("xb") as out:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
            entry = expected[name]
            if size != entry["size"] or digest.hexdigest() != entry["sha256"]:
                raise BackupError(
                    ERROR_CORRUPT.format(path=path, reason=f"{name!r} fails its checksum")
                )
            if name != db_member:
                checked.media_files += 1
                checked.media_bytes += size
        missing = sorted(set(expected) - seen)
        if missing:
            reason = f"missing {', '.join(missing[:5])}"
            raise BackupError(ERROR_CORRUPT.format(path=path, reason=reason))
    return checked


# --- Restore: apply ---------------------------------------------------------------------


def _restore_sqlite(source: Path) -> None:
    live = _sqlite_path()
    live.parent.mkdir(parents=True, exist_ok=True)
    connections.close_all()
    if live.exists():
        # Fold the write-ahead log into the old file and empty it, so no stale -wal is
        # replayed onto the restored database.
        with contextlib.closing(sqlite3.connect(live)) as old:
            old.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    handle, temp_name = tempfile.mkstemp(prefix=f".{live.name}-", dir=live.parent)
    os.close(handle)
    temp = Path(temp_name)
    try:
        shutil.copyfile(source, temp)
        if live.exists():
            os.chmod(temp, live.stat().st_mode & 0o777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temp, 0o666 & ~umask)
        with contextlib.closing(sqlite3.connect(temp)) as check:
            result = check.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise BackupError(f"The snapshot's database fails SQLite's integrity check: {result}")
        os.replace(temp, live)
    finally:
        temp.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(f"{live}{suffix}").unlink(missing_ok=True)


def _restore_postgresql(source: Path) -> None:
    connections.close_all()
    _run(
        "pg_restore",
        [
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            str(source),
        ],
    )


def _swap_media(new: Path, live: Path) -> None:
    """Put ``new`` at ``live`` (directory renames; per entry when live is a mount point)."""
    if not live.exists():
        os.replace(new, live)
        return
    old = Path(tempfile.mkdtemp(prefix=".samenspel-media-old-", dir=live.parent))
    try:
        try:
            os.replace(live, old / "media")
        except OSError:
            # MEDIA_ROOT is a mount point (Docker volume): swap what is inside it.
            for entry in list(live.iterdir()):
                shutil.move(entry, old / entry.name)
            for entry in list(new.iterdir()):
                shutil.move(entry, live / entry.name)
            return
        try:
            os.replace(new, live)
        except OSError:
            os.replace(old / "media", live)
            raise
    finally:
        shutil.rmtree(old, ignore_errors=True)


def backup_restore(*, checked: CheckedBackup, progress: Progress = _quiet) -> None:
    """Replace the database and MEDIA_ROOT with the verified snapshot ``checked``."""
    vendor = checked.manifest["database"]["vendor"]
    try:
        progress(f"Restoring the {vendor} database...")
        if vendor == "sqlite":
            _restore_sqlite(checked.database_file)
        else:
            _restore_postgresql(checked.database_file)
        search_snapshot.discard()  # the search index files of the database just replaced
        media_root = Path(settings.MEDIA_ROOT)
        progress(
            f"Restoring {checked.media_files} uploaded files "
            f"({human_size(checked.media_bytes)}) to {media_root}..."
        )
        _swap_media(checked.media_dir, media_root)
    finally:
        checked.cleanup()


# --- Moving from SQLite to PostgreSQL (manage.py migrate_to_postgres) --------------------
#
# Every row of every table is copied through the ORM, model by model, inside ONE transaction
# on the target: a failure (or a count that does not match) leaves the target as it was.
# Why not dumpdata/loaddata: the whole database would pass through one JSON document in
# memory, and loaddata saves row by row. Here rows stream from the source in batches and are
# inserted the way loaddata does (``raw``: no signals, no ``auto_now`` overwriting the
# stored timestamps), but many per statement. Values go through each field's own conversion,
# so a search embedding (float32 bytes in the SQLite BLOB) becomes pgvector's vector(384)
# (search.fields.EmbeddingField), and the stored Dutch text-search column is computed by
# PostgreSQL on insert: search works at once, without re-embedding.

MIGRATE_SOURCE_ALIAS = "migrate_source"
COPY_BATCH = 1000
# Tables that `migrate` fills by itself: post_migrate signals (content types, permissions,
# the site) and data migrations (django-q schedules of the digest and the export clean-up).
# On the target they are replaced by the source's rows, so ids that other rows refer to
# (content types of generic relations, permissions of groups) stay exactly as they were.
SEEDED_BY_MIGRATE = (
    "contenttypes.contenttype",
    "auth.permission",
    "sites.site",
    "django_q.schedule",
)

ERROR_TARGET_VENDOR = (
    "The target database (DATABASE_URL) is {vendor}, not PostgreSQL. Set DATABASE_URL to "
    "postgres://USER:PASSWORD@HOST:PORT/NAME (for a local try: bash .ci/postgres.sh) and "
    "run `manage.py migrate` there first."
)
ERROR_SOURCE_URL = (
    "--from must be a SQLite URL such as sqlite:////srv/samenspel/var/db.sqlite3 ({reason})."
)
ERROR_SOURCE_MISSING = "The SQLite database {path} does not exist."
ERROR_SOURCE_MIGRATIONS = (
    "The source database is not migrated to this version of the code ({names}). Run "
    "`DATABASE_URL={url} manage.py migrate` first; nothing was copied."
)
ERROR_TARGET_MIGRATIONS = (
    "The target database is not migrated to this version of the code ({names}). Run "
    "`manage.py migrate` on it first; nothing was copied."
)
ERROR_SOURCE_AHEAD = (
    "The source database has migrations this code does not have ({names}); update the "
    "code first. Nothing was copied."
)
ERROR_TARGET_NOT_EMPTY = (
    "The target database is not empty ({tables}). migrate_to_postgres copies into a new, "
    "freshly migrated database only; create an empty database, run `manage.py migrate`, and "
    "try again. Nothing was copied."
)
ERROR_COUNT_MISMATCH = "Row counts differ after copying ({details}); nothing was copied."


@dataclass
class CopiedModel:
    label: str
    source_rows: int
    target_rows: int


def _source_config(url: str) -> dict:
    import dj_database_url

    try:
        config = dj_database_url.parse(url)
    except ValueError as exc:
        raise BackupError(ERROR_SOURCE_URL.format(reason=exc)) from exc
    if config.get("ENGINE") != "django.db.backends.sqlite3":
        raise BackupError(ERROR_SOURCE_URL.format(reason=f"{url!r} is not SQLite"))
    path = Path(str(config.get("NAME") or ""))
    if not str(path) or str(path) == ":memory:":
        raise BackupError(ERROR_SOURCE_URL.format(reason="no file name"))
    if not path.is_file():
        raise BackupError(ERROR_SOURCE_MISSING.format(path=path))
    return config


@contextlib.contextmanager
def _source_connection(url: str):
    """A temporary connection to the SQLite source under its own alias, removed afterwards.

    It is registered as a connection only, not in settings.DATABASES: a connection made
    on the fly, which Django's test isolation accepts (and which never outlives the command).
    """
    from django.db.utils import load_backend

    config = _source_config(url)
    # configure_settings fills in Django's defaults (and insists on a "default" entry).
    config = connections.configure_settings(
        {"default": dict(connections.settings["default"]), MIGRATE_SOURCE_ALIAS: config}
    )[MIGRATE_SOURCE_ALIAS]
    wrapper = load_backend(config["ENGINE"]).DatabaseWrapper(config, MIGRATE_SOURCE_ALIAS)
    setattr(connections._connections, MIGRATE_SOURCE_ALIAS, wrapper)
    try:
        yield MIGRATE_SOURCE_ALIAS
    finally:
        wrapper.close()
        with contextlib.suppress(AttributeError):
            delattr(connections._connections, MIGRATE_SOURCE_ALIAS)


def _applied(alias: str) -> set[tuple[str, str]]:
    return set(MigrationRecorder(connections[alias]).applied_migrations())


def _check_migrations_match(source: str, url: str) -> None:
    """Both databases must have exactly the migrations of this code, so the tables match."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    source_applied = _applied(source)
    target_applied = _applied("default")

    def names(pairs) -> str:
        shown = sorted(f"{app}.{name}" for app, name in pairs)
        return ", ".join(shown[:5]) + (f" and {len(shown) - 5} more" if len(shown) > 5 else "")

    if source_applied - known:
        raise BackupError(ERROR_SOURCE_AHEAD.format(names=names(source_applied - known)))
    if known - source_applied:
        raise BackupError(
            ERROR_SOURCE_MIGRATIONS.format(
                names="missing " + names(known - source_applied), url=url
            )
        )
    if known - target_applied:
        raise BackupError(
            ERROR_TARGET_MIGRATIONS.format(names="missing " + names(known - target_applied))
        )


def copied_models() -> list:
    """Every model with its own table (many-to-many tables included), each after the models
    its foreign keys point at where possible (FK checks are deferred anyway)."""
    from django.apps import apps

    models = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped
    ]
    by_label = {model._meta.label_lower: model for model in models}
    ordered: list = []
    visiting: set[str] = set()
    done: set[str] = set()

    def visit(model) -> None:
        label = model._meta.label_lower
        if label in done or label in visiting:
            return  # a cycle (or self-reference): deferred constraints take care of it
        visiting.add(label)
        for concrete in model._meta.local_concrete_fields:
            related = getattr(concrete, "related_model", None)
            if related is not None and related._meta.label_lower in by_label:
                visit(by_label[related._meta.label_lower])
        visiting.discard(label)
        done.add(label)
        ordered.append(model)

    for model in sorted(models, key=lambda m: m._meta.label_lower):
        visit(model)
    return ordered


def _count(model, alias: str) -> int:
    return model._base_manager.using(alias).count()


def _copy_rows(model, source: str, target: str) -> int:
    fields = model._meta.local_concrete_fields
    rows = model._base_manager.using(source).order_by(model._meta.pk.attname)
    manager = model._base_manager.db_manager(target)
    copied = 0
    batch: list = []
    for obj in rows.iterator(chunk_size=COPY_BATCH):
        batch.append(obj)
        if len(batch) == COPY_BATCH:
            # What Model.save_base(raw=True) does for one row (loaddata's path), for many.
            manager._insert(batch, fields=fields, raw=True, using=target)
            copied += len(batch)
            batch = []
    if batch:
        manager._insert(batch, fields=fields, raw=True, using=target)
        copied += len(batch)
    return copied


def migrate_to_postgres(*, source_url: str, progress: Progress = _quiet) -> list[CopiedModel]:
    """Copy every row of the SQLite database at ``source_url`` into the empty, migrated
    PostgreSQL database of DATABASE_URL, in one transaction, and check the counts."""
    from django.core.management.color import no_style
    from django.db import transaction

    target = connections["default"]
    if target.vendor != "postgresql":
        raise BackupError(ERROR_TARGET_VENDOR.format(vendor=target.vendor))
    with _source_connection(source_url) as source:
        _check_migrations_match(source, source_url)
        models = copied_models()
        occupied = [
            f"{model._meta.label}: {rows} rows"
            for model in models
            if model._meta.label_lower not in SEEDED_BY_MIGRATE
            and (rows := _count(model, "default"))
        ]
        if occupied:
            raise BackupError(ERROR_TARGET_NOT_EMPTY.format(tables="; ".join(occupied[:5])))
        results: list[CopiedModel] = []
        with transaction.atomic(using="default"):
            with target.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                for model in reversed(models):
                    if model._meta.label_lower in SEEDED_BY_MIGRATE:
                        table = target.ops.quote_name(model._meta.db_table)
                        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - a model's table
            for position, model in enumerate(models, start=1):
                copied = _copy_rows(model, source, "default")
                results.append(CopiedModel(model._meta.label, _count(model, source), copied))
                progress(f"[{position}/{len(models)}] {model._meta.label}: {copied} rows")
            with target.cursor() as cursor:
                for statement in target.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(statement)
                # Raise any foreign-key violation now, inside the transaction.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            results = [
                CopiedModel(r.label, r.source_rows, _count(_model(r.label), "default"))
                for r in results
            ]
            wrong = [r for r in results if r.source_rows != r.target_rows]
            if wrong:
                details = ", ".join(
                    f"{r.label}: {r.source_rows} in SQLite, {r.target_rows} in PostgreSQL"
                    for r in wrong
                )
                raise BackupError(ERROR_COUNT_MISMATCH.format(details=details))
    return results


def _model(label: str):
    from django.apps import apps

    return apps.get_model(label)
