from __future__ import annotations

import pytest

from communities.models import Community
from instruments.models import Instrument, InstrumentRevision
from instruments.records import instrument_to_record, with_record_relations
from instruments.services import instrument_save_record
from knowledge.models import Concept
from library.services import DEMO_DIR
from library.tests.conftest import LIBRARY_FILES, database_snapshot, run_command

pytestmark = pytest.mark.django_db


def test_the_demo_library_ships_inside_the_project():
    assert sorted(path.name for path in DEMO_DIR.glob("*.json")) == sorted(LIBRARY_FILES)


def test_load_demo_twice_neither_duplicates_nor_changes_anything(django_assert_num_queries):
    first, _stderr = run_command("load_demo")
    counts = (Instrument.objects.count(), Concept.objects.count(), Community.objects.count())
    before = database_snapshot()

    # Fast when there is nothing to do: one query per kind for the existing ids, plus the
    # savepoint and its release (in a test, the import's transaction is a savepoint).
    with django_assert_num_queries(5):
        second, _stderr = run_command("load_demo")

    assert counts == (76, 61, 26)
    assert "instruments: 76 created, 0 updated, 0 unchanged" in first
    assert "instruments: 0 created, 0 updated, 0 unchanged, 76 kept (already present)" in second
    assert database_snapshot() == before


def test_load_demo_keeps_an_edited_instrument_and_restores_a_deleted_one():
    run_command("load_demo")
    edited = with_record_relations(Instrument.objects).get(slug="actiebereidheid-stellingen")
    instrument_save_record(record={**instrument_to_record(edited), "title": "Mijn eigen titel"})
    Community.objects.filter(slug="change-gear").delete()
    revisions = InstrumentRevision.objects.count()

    stdout, _stderr = run_command("load_demo")

    assert Instrument.objects.get(slug="actiebereidheid-stellingen").title == "Mijn eigen titel"
    assert InstrumentRevision.objects.count() == revisions
    assert "communities: 1 created, 0 updated, 0 unchanged, 25 kept (already present)" in stdout
