"""Fixtures for the library tests: library folders on disk, and a database fingerprint.

The shipped demo library (``library/demo``) is the real data. A full import of it
takes a few seconds, so most tests use a small, self-consistent slice of it, and the
tests that need all of it share one import per module (``full_library``).
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from communities.models import Community
from harvest.models import DeletedRecord
from instruments.models import (
    Audience,
    Instrument,
    InstrumentAudience,
    InstrumentLink,
    InstrumentPhase,
    InstrumentRelation,
    InstrumentRevision,
    InstrumentSector,
    Organisation,
    Sector,
)
from knowledge.models import Concept, ConceptRelation, ConceptRevision
from library.services import DEMO_DIR, library_import

LIBRARY_FILES = ("instruments.json", "concepts.json", "communities.json")
SNAPSHOT_MODELS = [
    Instrument, InstrumentPhase, InstrumentSector, InstrumentAudience, InstrumentRelation,
    InstrumentLink, InstrumentRevision, Instrument.concepts.through, Sector, Audience,
    Organisation, Concept, ConceptRelation, ConceptRevision, Community,
]  # fmt: skip


def read_records(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))


def write_records(path: Path, records: list[dict]) -> Path:
    path.write_text(json.dumps(records, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def database_snapshot() -> dict[str, tuple[int, str]]:
    """Each library table's row count and a checksum of all its rows, for "nothing changed"."""
    snapshot = {}
    for model in SNAPSHOT_MODELS:
        rows = list(model.objects.order_by("pk").values_list())
        digest = hashlib.sha256(repr(rows).encode()).hexdigest()
        snapshot[model._meta.label] = (len(rows), digest)
    return snapshot


def run_command(*args) -> tuple[str, str]:
    """Run a management command; return what it wrote to stdout and stderr."""
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command(*args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def run_failing_import(path: Path) -> list[str]:
    """Run import_library expecting failure; return the problem lines it printed."""
    stderr = io.StringIO()
    with pytest.raises(CommandError, match="wrote nothing"):
        call_command("import_library", str(path), stdout=io.StringIO(), stderr=stderr)
    return stderr.getvalue().splitlines()


def wipe_library() -> None:
    """Delete every library record, leaving the database as fresh as after migrate
    (deleting published instruments leaves OAI-PMH tombstones: those go too)."""
    for model in (Instrument, Concept, Community, Sector, Audience, Organisation):
        model.objects.all().delete()
    DeletedRecord.objects.all().delete()


@pytest.fixture
def demo_copy(tmp_path) -> Path:
    """A writable copy of the full demo library."""
    target = tmp_path / "demo"
    shutil.copytree(DEMO_DIR, target)
    return target


@pytest.fixture
def small_library(tmp_path) -> Path:
    """A slice of the demo library (4 concepts, 5 instruments, 3 communities) whose
    related ids stay inside the slice, so it imports in a fraction of a second."""
    target = tmp_path / "small"
    target.mkdir()
    for name, count in (("concepts.json", 4), ("instruments.json", 5), ("communities.json", 3)):
        records = read_records(DEMO_DIR / name)[:count]
        ids = {record["id"] for record in records}
        for record in records:
            if "related" in record:
                record["related"] = [slug for slug in record["related"] if slug in ids]
        write_records(target / name, records)
    return target


@pytest.fixture
def small_library_in_db(db, small_library) -> Path:
    library_import(path=small_library)
    return small_library


@pytest.fixture(scope="module")
def full_library(django_db_setup, django_db_blocker):
    """The whole demo library, imported once for a module and removed afterwards.

    Tests still run in their own rolled-back transaction, so they may change it freely.
    """
    with django_db_blocker.unblock():
        library_import(path=DEMO_DIR)
    yield DEMO_DIR
    with django_db_blocker.unblock():
        wipe_library()
