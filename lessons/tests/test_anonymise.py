"""The suggestions take the community, its people, organisations and region out of every
field; ``leftover_names`` finds what the facilitator put back."""

from __future__ import annotations

import pytest
from django.utils import translation

from lessons.anonymise import (
    anonymise_fields,
    community_identity,
    context_line,
    generalise_region,
    leftover_names,
)
from lessons.selectors import get_source_for_user
from lessons.services import lesson_suggestion
from lessons.tests.conftest import PARTNERS, PEOPLE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(default_language):
    """The suggestions speak the facilitator's language; these tests read the English."""
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        ("Gelderland", "in the east of the country"),
        ("Twente", "in the east of the country"),
        ("Noord-Brabant", "in the south of the country"),
        ("Groningen", "in the north of the country"),
        ("Zuid-Holland", "in the west of the country"),
        ("Zwolle, Meppel en Deventer", "in the east of the country"),
        ("Zwolle, Meppel, Eindhoven en Nijmegen", "in the Netherlands"),
        ("landelijk", "in the Netherlands"),
        ("", "in the Netherlands"),
    ],
)
def test_a_region_is_generalised_to_a_part_of_the_country(region, expected):
    assert generalise_region(region) == expected


def test_the_suggestion_removes_community_people_organisations_and_region(experience, facilitator):
    source = get_source_for_user(
        user=facilitator, source_kind="experience", source_id=experience.pk
    )
    suggestion = lesson_suggestion(user=facilitator, source=source)
    texts = " ".join(
        suggestion[name]
        for name in ("title", "context", "what_was_done", "what_worked", "what_did_not", "lesson")
    ).casefold()

    for name in [experience.community.name, *PEOPLE.values(), *PARTNERS, "Gelderland", "Arnhem"]:
        assert name.casefold() not in texts
    assert "olav" not in texts and "fien" not in texts
    assert "a municipality" in suggestion["what_was_done"]
    assert "a company" in suggestion["what_was_done"]  # matched in capitals too
    assert "a school" in suggestion["what_worked"]
    assert "the east of the country" in suggestion["what_was_done"]
    assert suggestion["context"] == (
        "a learning community with a municipality, a company and a school in the east of "
        "the country"
    )
    assert suggestion["instruments"] == [experience.instrument]
    assert suggestion["phase"] == "uitvoeren"


def test_people_of_one_kind_are_numbered_when_several_occur(experience, facilitator):
    identity = community_identity(experience.community)
    result = anonymise_fields(
        identity, {"a": "Fien Facilitator and Olav Waarnemer met.", "b": "Olav left."}
    )
    assert result == {"a": "Participant 1 and participant 2 met.", "b": "Participant 2 left."}


def test_only_whole_words_are_replaced_and_a_name_part_only_when_capitalised(
    experience, facilitator
):
    identity = community_identity(experience.community)
    result = anonymise_fields(identity, {"a": "Elk lid las Molid en Mo Lid schreef."})
    assert result == {"a": "Elk lid las Molid en a participant schreef."}


def test_leftover_names_reports_each_field_case_insensitively(experience):
    identity = community_identity(experience.community)
    leftovers = leftover_names(
        identity,
        {
            "title": "Fine",
            "what_worked": "with gemeente rivierstad",
            "lesson": f"In {experience.community.name.upper()}, MO LID said so.",
        },
    )
    assert leftovers == {
        "what_worked": ["Gemeente Rivierstad"],
        "lesson": [experience.community.name, "Mo Lid"],
    }


def test_the_context_line_names_partners_by_role_only(experience):
    line = context_line(community_identity(experience.community))
    assert "Gemeente" not in line and "Klinkers" not in line
