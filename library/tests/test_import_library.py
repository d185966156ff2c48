from __future__ import annotations

import pytest

from communities.models import Community
from instruments.models import Instrument, InstrumentRevision
from knowledge.models import Concept, ConceptRevision
from library.services import library_import
from library.tests.conftest import (
    database_snapshot,
    read_records,
    run_command,
    write_records,
)


@pytest.mark.django_db
def test_import_creates_every_record_and_prints_a_summary(small_library):
    stdout, _stderr = run_command("import_library", str(small_library))

    assert stdout.splitlines() == [
        "concepts: 4 created, 0 updated, 0 unchanged",
        "instruments: 5 created, 0 updated, 0 unchanged",
        "communities: 3 created, 0 updated, 0 unchanged",
    ]
    assert Concept.objects.count() == 4
    assert Instrument.objects.count() == 5
    assert Community.objects.count() == 3
    assert InstrumentRevision.objects.count() == 5
    assert ConceptRevision.objects.count() == 4


@pytest.mark.django_db
def test_unchanged_reimport_writes_nothing_and_creates_no_revisions(small_library_in_db):
    before = database_snapshot()

    stdout, _stderr = run_command("import_library", str(small_library_in_db))

    assert "instruments: 0 created, 0 updated, 5 unchanged" in stdout
    assert "concepts: 0 created, 0 updated, 4 unchanged" in stdout
    assert "communities: 0 created, 0 updated, 3 unchanged" in stdout
    assert database_snapshot() == before


@pytest.mark.django_db
def test_reimport_updates_a_changed_record_without_duplicating_it(small_library_in_db):
    path = small_library_in_db / "instruments.json"
    records = read_records(path)
    records[1]["title"] = "Een nieuwe titel"
    write_records(path, records)

    report = library_import(path=path)

    assert report.counts["instruments"] == {"updated": 1, "unchanged": 4}
    assert Instrument.objects.count() == 5
    instrument = Instrument.objects.get(slug=records[1]["id"])
    assert instrument.title == "Een nieuwe titel"
    assert list(instrument.revisions.values_list("number", flat=True)) == [2, 1]


@pytest.mark.django_db
def test_phase_order_and_left_out_optional_keys_do_not_count_as_changes(small_library_in_db):
    path = small_library_in_db / "instruments.json"
    records = read_records(path)
    record = records[1]
    assert record["phases"] == ["starten", "ontwerpen"]
    record["phases"] = ["ontwerpen", "starten"]
    record["keywords"] = []
    write_records(path, records)
    assert library_import(path=path).counts["instruments"] == {"updated": 1, "unchanged": 4}
    del record["keywords"]
    write_records(path, records)

    report = library_import(path=path)

    assert report.counts["instruments"] == {"unchanged": 5}


@pytest.mark.django_db
def test_a_single_json_file_is_recognised_by_its_name(small_library):
    report = library_import(path=small_library / "communities.json")

    assert report.counts == {"communities": {"created": 3}}


@pytest.mark.django_db
def test_a_json_file_with_another_name_is_recognised_by_its_keys(small_library, tmp_path):
    path = tmp_path / "begrippen-export.json"
    path.write_bytes((small_library / "concepts.json").read_bytes())

    report = library_import(path=path)

    assert report.counts == {"concepts": {"created": 4}}


@pytest.mark.django_db
def test_related_records_may_already_be_in_the_database(small_library_in_db, tmp_path):
    new = {
        **read_records(small_library_in_db / "instruments.json")[0],
        "id": "nieuw-instrument",
        "related": ["opgave-vertalen-naar-eigen-uitdaging"],
    }
    path = write_records(tmp_path / "instruments.json", [new])

    library_import(path=path)

    instrument = Instrument.objects.get(slug="nieuw-instrument")
    assert [i.slug for i in instrument.related.all()] == ["opgave-vertalen-naar-eigen-uitdaging"]


@pytest.mark.django_db
def test_related_ids_keep_their_order(small_library):
    path = small_library / "instruments.json"
    records = read_records(path)
    order = [
        "consortiumoverleg-startfase",
        "actiebereidheid-stellingen",
        "ontwerpsessie-bouwstenen",
    ]
    records[0]["related"] = order
    write_records(path, records)

    library_import(path=path)

    instrument = Instrument.objects.get(slug=records[0]["id"])
    assert [link.to_instrument.slug for link in instrument.relation_links.all()] == order


@pytest.mark.django_db
def test_importing_concepts_later_links_existing_instruments(small_library, tmp_path):
    library_import(path=small_library / "instruments.json")
    assert not Instrument.concepts.through.objects.exists()

    concept = {
        "id": "innovatievraag",
        "term": "Innovatievraag",
        "term_en": "",
        "definition": "Een vraag.",
        "source": "",
        "related": [],
    }
    library_import(path=write_records(tmp_path / "concepts.json", [concept]))

    linked = Instrument.objects.filter(concepts__slug="innovatievraag")
    assert linked.filter(slug="opgave-vertalen-naar-eigen-uitdaging").exists()


@pytest.mark.django_db
def test_optional_instrument_keys_are_imported(small_library, tmp_path):
    record = {
        **read_records(small_library / "instruments.json")[0],
        "related": [],
        "when_to_use": "Partners haken af na de kick-off.",
        "licence": "CC BY 4.0",
        "status": "draft",
        "organisation": "Hogeschool Voorbeeld",
        "links": [{"url": "https://example.org/werkblad.pdf", "title": "Werkblad"}],
    }

    library_import(path=write_records(tmp_path / "instruments.json", [record]))

    instrument = Instrument.objects.get(slug=record["id"])
    assert instrument.when_to_use == "Partners haken af na de kick-off."
    assert instrument.licence == "CC BY 4.0"
    assert instrument.status == "draft"
    assert instrument.organisation.name == "Hogeschool Voorbeeld"
    assert [(link.title, link.url) for link in instrument.links.all()] == [
        ("Werkblad", "https://example.org/werkblad.pdf")
    ]


@pytest.mark.django_db
def test_community_nulls_are_stored_blank(small_library):
    library_import(path=small_library / "communities.json")

    community = Community.objects.get(slug="change-gear")
    assert community.level == ""
    assert community.region == ""
    assert community.current_phase == "uitvoeren"
