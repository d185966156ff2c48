"""The pure parts of an import: validation rules, problem wording and file reading."""

from __future__ import annotations

import json

from instruments.records import OPTIONAL_KEYS, REQUIRED_KEYS
from knowledge.records import REQUIRED_KEYS as CONCEPT_KEYS
from library import csvformat
from library.problems import Problem
from library.readers import SourceRecord, decode_utf8, guess_kind
from library.services import DEMO_DIR
from library.validation import COMMUNITIES, CONCEPTS, INSTRUMENTS, RULES, validate_records


def _records(name: str) -> list[SourceRecord]:
    data = json.loads((DEMO_DIR / name).read_text(encoding="utf-8"))
    return [SourceRecord(data=record, position=n) for n, record in enumerate(data, start=1)]


def test_the_rules_cover_exactly_the_keys_of_the_records():
    assert tuple(RULES[INSTRUMENTS]) == (*REQUIRED_KEYS, *OPTIONAL_KEYS)
    assert tuple(RULES[CONCEPTS]) == CONCEPT_KEYS
    assert tuple(RULES[INSTRUMENTS]) == csvformat.COLUMNS


def test_the_demo_library_has_no_problems():
    for kind in (INSTRUMENTS, CONCEPTS, COMMUNITIES):
        records = _records(f"{kind}.json")
        assert validate_records(kind, records, file=kind, existing_ids=set()) == []


def test_related_ids_may_exist_only_in_the_database():
    record = {**_records("concepts.json")[0].data, "related": ["elders"]}
    records = [SourceRecord(data=record, position=1)]

    assert validate_records(CONCEPTS, records, file="c", existing_ids={"elders"}) == []
    [problem] = validate_records(CONCEPTS, records, file="c", existing_ids=set())
    assert problem.message.startswith('unknown related concept "elders"')


def test_community_text_fields_may_be_null_or_blank():
    record = {"id": "x", "name": "X", "level": None, "region": "", "lead": None}

    problems = validate_records(
        COMMUNITIES, [SourceRecord(data=record, position=1)], file="c", existing_ids=set()
    )

    assert problems == []


def test_an_unlike_unknown_key_gets_no_suggestion():
    record = {"id": "x", "name": "X", "colour": "blue"}

    [problem] = validate_records(
        COMMUNITIES, [SourceRecord(data=record, position=1)], file="c", existing_ids=set()
    )

    assert "did you mean" not in problem.message


def test_a_problem_reads_as_file_place_field_and_message():
    in_json = Problem(file="a.json", message="m", record="x", position=3, field="title")
    in_csv = Problem(file="a.csv", message="m", record="x", line=7, field="title")
    without_id = Problem(file="a.json", message="m", position=2)

    assert str(in_json) == 'a.json: record "x" (#3), field "title": m'
    assert str(in_csv) == 'a.csv: line 7, record "x", field "title": m'
    assert str(without_id) == "a.json: record #2: m"
    assert str(Problem(file="a.json", message="m")) == "a.json: m"


def test_decoding_finds_the_first_bad_byte_after_a_byte_order_mark():
    raw = b"\xef\xbb\xbfid\nabc,d\xe9f\n"

    text, [problem] = decode_utf8(raw, file="x.csv")

    assert text is None
    assert (problem.line, problem.column) == (2, 6)
    assert "0xE9 at byte offset 11" in problem.message


def test_kind_is_guessed_from_the_name_then_from_the_keys():
    concept = [SourceRecord(data={"id": "x", "term": "T", "definition": "D"}, position=1)]

    assert guess_kind("Instrumenten-2025.json", concept) == INSTRUMENTS
    assert guess_kind("export.json", concept) == CONCEPTS
    assert guess_kind("export.json", [SourceRecord(data={"id": "x"}, position=1)]) is None
