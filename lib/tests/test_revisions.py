from __future__ import annotations

from lib.revisions import diff_records


def test_diff_marks_deleted_and_inserted_words():
    changes = diff_records(
        {"title": "Een oude titel", "steps": ["a", "b"]},
        {"title": "Een nieuwe titel", "steps": ["b", "c"]},
        {"title": "titel", "steps": "stappen"},
    )

    title, steps = changes
    assert title.label == "titel"
    assert [(s.op, s.text) for s in title.segments if s.op != "equal"] == [
        ("delete", "oude"),
        ("insert", "nieuwe"),
    ]
    assert steps.removed == ["a"] and steps.added == ["c"]


def test_diff_of_equal_records_is_empty():
    assert diff_records({"a": "x"}, {"a": "x"}, {"a": "A"}) == []


def test_diff_against_nothing_shows_every_field_as_added():
    changes = diff_records({}, {"title": "Nieuw", "kind": "model"}, {"title": "titel"})

    assert [c.name for c in changes] == ["title", "kind"]
    assert changes[0].segments[0].op == "insert"
