from __future__ import annotations

import pytest

from communities.records import KEYS, community_to_record
from communities.services import community_save_record

RECORD = {
    "id": "voorbeeld",
    "name": "Voorbeeldcommunity",
    "level": None,
    "sectors": ["zorg-welzijn"],
    "region": None,
    "challenge": "Een uitdaging.",
    "partners": [],
    "lead": None,
    "phase_hint": "ontwerpen",
    "lessons": ["Begin klein."],
    "source": "Bijlage 2",
}


@pytest.mark.django_db
def test_a_saved_record_reads_back_equal_with_its_nulls():
    community = community_save_record(record=RECORD)

    assert (community.level, community.region, community.lead) == ("", "", "")
    assert community.current_phase == "ontwerpen"
    assert community_to_record(community) == RECORD
    assert tuple(community_to_record(community)) == KEYS


@pytest.mark.django_db
def test_saving_a_record_again_updates_the_same_community():
    first = community_save_record(record=RECORD)

    second = community_save_record(record={**RECORD, "level": "meso", "region": "Twente"})

    assert second.pk == first.pk
    assert community_to_record(second)["level"] == "meso"
    assert community_to_record(second)["region"] == "Twente"
