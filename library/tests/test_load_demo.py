from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from communities.models import Community
from instruments.models import Instrument, InstrumentRevision
from instruments.records import instrument_to_record, with_record_relations
from instruments.services import instrument_save_record
from knowledge.models import Concept
from library.services import DEMO_DIR
from library.tests.conftest import LIBRARY_FILES, database_snapshot, run_command

pytestmark = pytest.mark.django_db


def test_the_demo_library_ships_inside_the_project():
    shipped = {path.name for path in DEMO_DIR.glob("*.json")}
    assert set(LIBRARY_FILES) <= shipped


def test_load_demo_twice_neither_duplicates_nor_changes_anything(django_assert_num_queries):
    first, _stderr = run_command("load_demo")
    counts = (Instrument.objects.count(), Concept.objects.count(), Community.objects.count())
    before = database_snapshot()

    # Fast when there is nothing to do. The library: one query per kind for the existing
    # ids, plus the savepoint and its release (in a test, a transaction is a savepoint).
    # The demo activity: savepoint and release, the demo people, the communities,
    # instruments and sectors by code, the communities with a journal, and the
    # experiences the demo people already shared. The demo scans: savepoint and release,
    # the scans and the rounds' titles. The search index: 1 "is it empty?".
    with django_assert_num_queries(5 + 8 + 4 + 1):
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


def test_load_demo_brings_the_example_communities_to_life(client):
    run_command("load_demo")

    gas_erop = Community.objects.get(slug="gas-erop")
    assert gas_erop.visibility == "public"
    assert gas_erop.journal_entries.count() == 3
    assert gas_erop.memberships.filter(role="facilitator").exists()
    stand_up = Instrument.objects.get(slug="stand-up-met-foto")
    sectors = set(stand_up.experiences.values_list("sector__slug", flat=True))
    assert sectors == {"installatietechniek", "zorg-welzijn"}
    assert client.get(gas_erop.get_absolute_url()).status_code == 200
    assert client.get(f"{gas_erop.get_absolute_url()}journaal/").status_code == 200


def test_demo_people_cannot_sign_in():
    run_command("load_demo")

    demo = get_user_model().objects.filter(email__endswith="@demo.samenspel.invalid")
    assert demo.count() == 12
    assert not any(person.has_usable_password() for person in demo)


@pytest.mark.django_db
def test_skip_index_leaves_the_search_index_to_the_caller():
    from search.models import SearchDocument

    run_command("load_demo", "--skip-index")
    assert not SearchDocument.objects.exists()
