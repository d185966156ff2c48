"""Export of the whole library, and the round trip import, export, import.

Every test here works on the full demo library, imported once for the module.
"""

from __future__ import annotations

import codecs
import json

import pytest
from django.core.management.base import CommandError

from instruments.models import Instrument
from instruments.records import instrument_to_record, with_record_relations
from instruments.services import instrument_save_record
from library.exports import library_records
from library.services import DEMO_DIR, library_import
from library.tests.conftest import LIBRARY_FILES, read_records, run_command, wipe_library

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("full_library")]


def _by_id(records: list[dict]) -> dict[str, dict]:
    return {record["id"]: record for record in records}


def test_export_writes_utf8_json_sorted_by_id_with_a_final_newline(tmp_path):
    stdout, _stderr = run_command("export_library", str(tmp_path / "new" / "folder"))

    folder = tmp_path / "new" / "folder"
    assert sorted(path.name for path in folder.iterdir()) == sorted(LIBRARY_FILES)
    assert f"{folder / 'instruments.json'}: 76 records" in stdout
    text = (folder / "concepts.json").read_text(encoding="utf-8")
    records = json.loads(text)
    assert text == json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    assert "\\u" not in text and "é" in text
    assert [r["id"] for r in records] == sorted(r["id"] for r in records)


def test_import_then_export_reproduces_every_source_record(tmp_path):
    run_command("export_library", str(tmp_path))

    for name in LIBRARY_FILES:
        source = read_records(DEMO_DIR / name)
        exported = read_records(tmp_path / name)
        assert len(exported) == len(source)
        # Equal dicts, so list order inside a record (steps, related, ...) counts too.
        assert _by_id(exported) == _by_id(source), name


def test_an_imported_export_exports_to_identical_files(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    run_command("export_library", str(first))
    wipe_library()

    run_command("import_library", str(first))
    run_command("export_library", str(second))

    for name in LIBRARY_FILES:
        assert (second / name).read_bytes() == (first / name).read_bytes(), name


def test_export_reads_the_library_in_a_fixed_number_of_queries(django_assert_num_queries):
    # Instruments: 1 (with organisation) + phases, sectors, audiences, relations, links = 6.
    # Concepts: 1 + related = 2. Communities: 1.
    with django_assert_num_queries(9):
        records = library_records()

    assert [len(records[kind]) for kind in ("instruments", "concepts", "communities")] == [
        76,
        61,
        26,
    ]


def test_csv_export_imports_back_as_the_same_instruments(tmp_path):
    run_command("export_library", str(tmp_path), "--format", "csv")
    path = tmp_path / "instruments.csv"
    assert path.read_bytes().startswith(codecs.BOM_UTF8)

    report = library_import(path=path)

    assert report.counts["instruments"] == {"unchanged": 76}


def test_csv_export_keeps_optional_fields(tmp_path):
    instrument = Instrument.objects.get(slug="actiebereidheid-stellingen")
    record = {
        **instrument_to_record(with_record_relations(Instrument.objects).get(pk=instrument.pk)),
        "licence": "CC BY-SA 4.0",
        "status": "draft",
        "organisation": "Hogeschool Voorbeeld",
        "links": [{"url": "https://example.org/a_(b).pdf", "title": "Werkblad [concept]"}],
    }
    instrument_save_record(record=record)
    run_command("export_library", str(tmp_path), "--format", "csv")
    instrument.delete()

    report = library_import(path=tmp_path / "instruments.csv")

    assert report.counts["instruments"]["created"] == 1

    exported = _by_id(library_records()["instruments"])
    assert exported["actiebereidheid-stellingen"] == record


def test_csv_export_refuses_an_item_that_contains_the_separator(tmp_path):
    instrument = Instrument.objects.get(slug="actiebereidheid-stellingen")
    record = instrument_to_record(with_record_relations(Instrument.objects).get(pk=instrument.pk))
    instrument_save_record(record={**record, "keywords": ["ja | nee"]})

    with pytest.raises(CommandError, match='field "keywords": item "ja | nee" contains "|"'):
        run_command("export_library", str(tmp_path / "out"), "--format", "csv")

    assert not (tmp_path / "out").exists()


def test_every_demo_instrument_says_when_to_use_it_and_the_export_keeps_it(tmp_path):
    run_command("export_library", str(tmp_path), "--format", "csv")
    header = (tmp_path / "instruments.csv").read_text(encoding="utf-8-sig").splitlines()[0]

    source = read_records(DEMO_DIR / "instruments.json")
    assert all(record["when_to_use"].strip() for record in source)
    assert "when_to_use" in header.split(",")
    exported = _by_id(library_records()["instruments"])
    assert all(exported[r["id"]]["when_to_use"] == r["when_to_use"] for r in source)
