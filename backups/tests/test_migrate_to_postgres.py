"""``manage.py migrate_to_postgres``: a real SQLite site, copied into PostgreSQL.

The source is built as a person would have it: ``migrate`` and ``load_demo`` in a separate
process on a SQLite file (the demo library, people, communities and the search index). It is
then copied into the test run's PostgreSQL database, which must afterwards hold the same rows
(counted straight from the SQLite file), the same relations, the same stored timestamps,
working sequences and a search that finds what it found before. PostgreSQL only: the target
of this command is PostgreSQL by definition (run with ``DATABASE_URL=$(bash .ci/postgres.sh)``).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command

from backups.services import copied_models

BASE_DIR = Path(__file__).resolve().parents[2]
ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
needs_postgres = pytest.mark.skipif(
    not ON_POSTGRES,
    reason="migrate_to_postgres copies INTO PostgreSQL: "
    "run with DATABASE_URL=$(bash .ci/postgres.sh)",
)
INSTRUMENT = "actiebereidheid-stellingen"
COMMUNITY = "gas-erop"


def _manage(*args: str, database: Path, var_dir: Path) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "samenspel.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "SAMENSPEL_VAR_DIR": str(var_dir),
        "TASKS_INLINE": "true",
        "SEARCH_EMBEDDER": "search.embedding.HashingEmbedder",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]


@pytest.fixture(scope="module")
def sqlite_site(tmp_path_factory) -> Path:
    """A migrated SQLite database with the demo library, as `make run` leaves it."""
    directory = tmp_path_factory.mktemp("sqlite-site")
    database = directory / "db.sqlite3"
    _manage("migrate", "--noinput", database=database, var_dir=directory / "var")
    _manage("load_demo", database=database, var_dir=directory / "var")
    return database


def _sqlite_rows(database: Path, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(database) as source:
        return source.execute(sql, params).fetchall()


def _source_counts(database: Path) -> dict[str, int]:
    counts = {}
    for model in copied_models():
        sql = f'SELECT COUNT(*) FROM "{model._meta.db_table}"'  # noqa: S608 - a model's table
        counts[model._meta.label] = _sqlite_rows(database, sql)[0][0]
    return counts


@pytest.mark.skipif(ON_POSTGRES, reason="the refusal of a non-PostgreSQL target needs SQLite")
@pytest.mark.django_db
def test_refuses_a_target_that_is_not_postgresql(tmp_path):
    source = tmp_path / "db.sqlite3"
    source.touch()
    with pytest.raises(CommandError, match="not PostgreSQL.*bash .ci/postgres.sh"):
        call_command("migrate_to_postgres", "--from", f"sqlite:///{source}")


@needs_postgres
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgres://elsewhere/db", "must be a SQLite URL"),
        ("sqlite:////nonexistent/db.sqlite3", "does not exist"),
    ],
)
def test_refuses_a_source_that_is_not_a_sqlite_file(url, message):
    with pytest.raises(CommandError, match=message):
        call_command("migrate_to_postgres", "--from", url)


@needs_postgres
@pytest.mark.django_db
def test_refuses_a_source_that_is_not_migrated(tmp_path):
    source = tmp_path / "empty.sqlite3"
    sqlite3.connect(source).execute(
        "CREATE TABLE django_migrations (id INTEGER PRIMARY KEY, app TEXT, name TEXT, applied TEXT)"
    )
    with pytest.raises(CommandError, match="source database is not migrated.*manage.py migrate"):
        call_command("migrate_to_postgres", "--from", f"sqlite:///{source}")


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_copies_a_sqlite_site_into_postgresql(sqlite_site, capsys):
    from accounts.models import User
    from communities.models import Community
    from instruments.models import Instrument, Sector
    from search.models import SearchChunk, SearchDocument
    from search.selectors import search

    expected = _source_counts(sqlite_site)
    assert expected["instruments.Instrument"] > 50 and expected["accounts.User"] > 0

    # The target must be empty: rows another test committed (session fixtures) are removed,
    # as every transactional test's teardown does (the content types come back).
    call_command("flush", "--noinput", verbosity=0)
    call_command("migrate_to_postgres", "--from", f"sqlite:///{sqlite_site}")

    output = capsys.readouterr().out
    assert f"[1/{len(expected)}]" in output  # a progress line per model
    assert "every count matches" in output
    copied = {model._meta.label: model._base_manager.count() for model in copied_models()}
    assert copied == expected

    # Relations arrive with their ids: an instrument with its phases and sectors, a community
    # with its members, a person with their communities.
    instrument = Instrument.all_objects.get(slug=INSTRUMENT)
    (source_id, title) = _sqlite_rows(
        sqlite_site, "SELECT id, title FROM instruments_instrument WHERE slug = ?", INSTRUMENT
    )[0]
    assert (instrument.pk, instrument.title) == (source_id, title)
    source_sectors = _sqlite_rows(
        sqlite_site,
        "SELECT COUNT(*) FROM instruments_instrumentsector WHERE instrument_id = ?",
        source_id,
    )[0][0]
    assert instrument.sectors.count() == source_sectors > 0
    community = Community.objects.get(slug=COMMUNITY)
    members = sorted(community.memberships.values_list("user__email", flat=True))
    source_members = sorted(
        email
        for (email,) in _sqlite_rows(
            sqlite_site,
            "SELECT u.email FROM communities_membership m JOIN accounts_user u ON u.id = m.user_id"
            " JOIN communities_community c ON c.id = m.community_id WHERE c.slug = ?",
            COMMUNITY,
        )
    )
    assert members == source_members and members
    person = User.objects.get(email=members[0])
    assert community in [membership.community for membership in person.memberships.all()]

    # Stored timestamps stay as they were (auto_now is not applied to copied rows).
    (document_id, updated_at) = _sqlite_rows(
        sqlite_site, "SELECT id, updated_at FROM search_searchdocument ORDER BY id LIMIT 1"
    )[0]
    stored = datetime.fromisoformat(updated_at)
    copied_at = SearchDocument.objects.get(pk=document_id).updated_at
    assert copied_at.replace(tzinfo=None) == stored.replace(tzinfo=None)

    # The embeddings became pgvector values of the same float32 bytes.
    (chunk_id, blob) = _sqlite_rows(
        sqlite_site, "SELECT id, embedding FROM search_searchchunk ORDER BY id LIMIT 1"
    )[0]
    assert SearchChunk.objects.get(pk=chunk_id).embedding == bytes(blob)

    # Search works at once on PostgreSQL (full text + HNSW), without rebuilding the index.
    results = search(user=AnonymousUser(), query=title, kinds=["instrument"], limit=5)
    assert INSTRUMENT in [result.key for result in results.results]

    # The sequences continue after the copied ids.
    new_sector = Sector.objects.create(name="Nieuwe sector", slug="nieuwe-sector")
    assert new_sector.pk > max(
        expected_id
        for (expected_id,) in _sqlite_rows(sqlite_site, "SELECT id FROM instruments_sector")
    )

    # A second run refuses: the target is no longer empty.
    with pytest.raises(CommandError, match="target database is not empty"):
        call_command("migrate_to_postgres", "--from", f"sqlite:///{sqlite_site}")
