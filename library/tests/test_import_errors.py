"""A bad import names every problem and leaves the database exactly as it was.

Each test starts from a database holding a slice of the library, so "nothing written"
also means "nothing updated", and breaks the full demo library in one place.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from library import services
from library.services import LibraryImportFailed, library_import
from library.tests.conftest import (
    database_snapshot,
    read_records,
    run_failing_import,
    write_records,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def instruments(demo_copy):
    """Change records of the copy's instruments.json: ``with instruments() as records``."""
    return _Editor(demo_copy / "instruments.json")


class _Editor:
    def __init__(self, path):
        self.path = path

    def __enter__(self) -> list[dict]:
        self.records = read_records(self.path)
        return self.records

    def __exit__(self, *exc_info) -> None:
        write_records(self.path, self.records)


def test_import_reports_malformed_json_with_line_and_column(small_library_in_db, demo_copy):
    path = demo_copy / "concepts.json"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"term_en"', '"term_en":: ', 1), encoding="utf-8")
    before = database_snapshot()

    errors = run_failing_import(demo_copy)

    assert errors == ["concepts.json: line 5, column 15: invalid JSON: Expecting value"]
    assert database_snapshot() == before


def test_import_reports_unknown_phase_and_writes_nothing(
    small_library_in_db, demo_copy, instruments
):
    with instruments as records:
        records[11]["phases"] = ["beginnen"]
        record_id = records[11]["id"]
    before = database_snapshot()

    errors = run_failing_import(demo_copy)

    assert errors == [
        f'instruments.json: record "{record_id}" (#12), field "phases": unknown phase '
        '"beginnen" (allowed: starten, ontwerpen, uitvoeren, verduurzamen)'
    ]
    assert database_snapshot() == before


def test_import_reports_duplicate_slug_within_a_file(small_library_in_db, demo_copy, instruments):
    with instruments as records:
        records.append(dict(records[2]))
        record_id = records[2]["id"]
    before = database_snapshot()

    errors = run_failing_import(demo_copy)

    assert errors == [
        f'instruments.json: record "{record_id}" (#77), field "id": duplicate id '
        f'"{record_id}" (first at #3)'
    ]
    assert database_snapshot() == before


def test_import_reports_missing_title(small_library_in_db, demo_copy, instruments):
    with instruments as records:
        del records[0]["title"]
        record_id = records[0]["id"]
    before = database_snapshot()

    errors = run_failing_import(demo_copy)

    assert errors == [
        f'instruments.json: record "{record_id}" (#1), field "title": missing (required)'
    ]
    assert database_snapshot() == before


def test_import_reports_a_csv_that_is_not_utf8(small_library_in_db, tmp_path):
    path = tmp_path / "instruments.csv"
    content = "id,title,summary,kind,phases\r\nbeleid,Café-overleg,Kort,model,starten\r\n"
    path.write_bytes(content.encode("cp1252"))
    before = database_snapshot()

    errors = run_failing_import(path)

    assert errors == [
        "instruments.csv: line 2, column 11: not valid UTF-8 (first bad byte 0xE9 at byte "
        'offset 40); the file must be UTF-8 (in Excel: "Save as" and choose "CSV UTF-8")'
    ]
    assert database_snapshot() == before


def test_import_lists_every_problem_of_every_file(small_library_in_db, demo_copy, instruments):
    with instruments as records:
        records[0]["kind"] = "poster"
        records[1]["sumary"] = records[1].pop("summary")
        records[2]["related"].append("bestaat-niet")
    communities = read_records(demo_copy / "communities.json")
    communities[0]["level"] = "mega"
    communities[1]["phase_hint"] = "beginnen"
    write_records(demo_copy / "communities.json", communities)
    before = database_snapshot()

    errors = run_failing_import(demo_copy)

    assert [error.split(": ", 1)[1] for error in errors] == [
        'record "opgave-vertalen-naar-eigen-uitdaging" (#1), field "kind": unknown kind "poster" '
        "(allowed: canvas, checklist, werkvorm, model, vragenlijst, profiel, app, handreiking, "
        "overzicht)",
        'record "ontwerpsessie-bouwstenen" (#2), field "sumary": unknown key (allowed: id, '
        "title, title_en, summary, description, steps, phases, kind, sectors, audience, source, "
        "related, keywords, when_to_use, licence, status, organisation, links); "
        'did you mean "summary"?',
        'record "ontwerpsessie-bouwstenen" (#2), field "summary": missing (required)',
        'record "actiebereidheid-stellingen" (#3), field "related": unknown related instrument '
        '"bestaat-niet" (not in this import nor in the database)',
        'record "change-gear" (#1), field "level": unknown level "mega" (allowed: micro, meso, '
        "macro)",
        'record "enable-dem" (#2), field "phase_hint": unknown phase "beginnen" (allowed: '
        "starten, ontwerpen, uitvoeren, verduurzamen)",
    ]
    assert database_snapshot() == before


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"id": "Met Spaties"}, "id", '"Met Spaties" is not a valid id'),
        ({"summary": "  "}, "summary", "must not be empty"),
        ({"phases": []}, "phases", "must not be empty"),
        ({"phases": ["starten", "starten"]}, "phases", 'item 2 "starten" is listed twice'),
        ({"steps": "Doe dit"}, "steps", "must be a list of strings, not a string"),
        ({"keywords": ["a", ""]}, "keywords", "item 2 is empty"),
        ({"keywords": ["a", 3]}, "keywords", "item 2 must be a string, not a number"),
        ({"sectors": ["Zorg en welzijn"]}, "sectors", "is not a valid code"),
        ({"title": None}, "title", "must be a string, not null"),
        ({"title": "x" * 201}, "title", "is 201 characters long (at most 200)"),
        ({"when_to_use": "x" * 2001}, "when_to_use", "is 2001 characters long (at most 2000)"),
        ({"when_to_use": ["Mensen haken af"]}, "when_to_use", "must be a string, not a list"),
        ({"status": "archived"}, "status", 'unknown status "archived"'),
        ({"links": [{"url": "geen-adres", "title": "A"}]}, "links", "not a valid web address"),
        ({"links": [{"href": "https://example.org"}]}, "links", 'exactly the keys "url"'),
    ],
)
def test_import_reports_invalid_instrument_fields(demo_copy, instruments, change, field, message):
    with instruments as records:
        records[4].update(change)

    with pytest.raises(LibraryImportFailed) as failure:
        library_import(path=demo_copy)

    # A changed id also breaks the records that refer to it; those are reported elsewhere.
    [problem] = [problem for problem in failure.value.problems if problem.position == 5]
    assert (problem.file, problem.field) == ("instruments.json", field)
    assert message in problem.message


@pytest.mark.parametrize(
    ("file", "change", "field", "message"),
    [
        ("concepts.json", {"term": ""}, "term", "must not be empty"),
        ("concepts.json", {"definition": None}, "definition", "must be a string, not null"),
        ("concepts.json", {"related": ["onbekend-begrip"]}, "related", "unknown related concept"),
        ("communities.json", {"name": ""}, "name", "must not be empty"),
        ("communities.json", {"region": 12}, "region", "must be a string or null, not a number"),
        ("communities.json", {"partners": [None]}, "partners", "item 1 must be a string"),
    ],
)
def test_import_reports_invalid_concept_and_community_fields(
    demo_copy, file, change, field, message
):
    records = read_records(demo_copy / file)
    records[0].update(change)
    write_records(demo_copy / file, records)

    with pytest.raises(LibraryImportFailed) as failure:
        library_import(path=demo_copy)

    [problem] = failure.value.problems
    assert (problem.file, problem.position, problem.field) == (file, 1, field)
    assert message in problem.message


def test_import_reports_a_concept_without_term_or_definition(demo_copy):
    records = read_records(demo_copy / "concepts.json")
    del records[3]["term"], records[3]["definition"]
    write_records(demo_copy / "concepts.json", records)

    with pytest.raises(LibraryImportFailed) as failure:
        library_import(path=demo_copy)

    assert [(p.field, p.message) for p in failure.value.problems] == [
        ("term", "missing (required)"),
        ("definition", "missing (required)"),
    ]


def test_import_reports_a_file_that_is_not_a_list_of_records(tmp_path):
    (tmp_path / "concepts.json").write_text('{"id": "x"}', encoding="utf-8")

    errors = run_failing_import(tmp_path)

    assert errors == ["concepts.json: the file must hold a JSON list of records, not an object"]


def test_import_reports_a_json_file_of_unknown_records(tmp_path):
    path = write_records(tmp_path / "data.json", [{"id": "x", "colour": "blue"}])

    errors = run_failing_import(path)

    assert errors[0].startswith("data.json: cannot tell whether this file holds instruments")


def test_import_reports_a_missing_path_and_an_empty_directory(tmp_path):
    assert run_failing_import(tmp_path / "nergens") == [
        f"{tmp_path / 'nergens'}: no such file or directory"
    ]
    assert run_failing_import(tmp_path) == [
        f"{tmp_path}: holds none of instruments.json, concepts.json or communities.json"
    ]


def test_a_record_the_database_refuses_rolls_back_the_whole_import(small_library, monkeypatch):
    """Validation should catch everything; if a save still fails, nothing stays written."""

    def refuse(*, record):
        raise ValidationError({"name": ["Nope."]})

    monkeypatch.setattr(services, "community_save_record", refuse)
    before = database_snapshot()

    errors = run_failing_import(small_library)

    # Communities are written last, so the concepts and instruments before them roll back.
    assert errors == [
        'communities.json: record "change-gear" (#1): could not be saved: name: Nope.'
    ]
    assert database_snapshot() == before
