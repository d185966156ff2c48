"""Open demand: questions no visible instrument answers, grouped by phase and by sector."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from instruments.constants import Status
from instruments.services import sector_get_or_create
from instruments.tests.factories import InstrumentFactory
from questions.selectors import open_demand
from questions.tests.factories import make_answer, make_question

pytestmark = pytest.mark.django_db


def _groups(groups) -> dict[str, tuple[int, int, int]]:
    return {g.value: (g.unanswered, g.answered_without_instrument, g.total) for g in groups}


def test_open_demand_counts_unanswered_and_answered_without_instrument(outsider, provider):
    energie, zorg = sector_get_or_create("energie"), sector_get_or_create("zorg-welzijn")
    unanswered = make_question(author=outsider, phase="starten", sector=energie)
    in_words = make_question(author=outsider, phase="starten", sector=zorg)
    make_answer(question=in_words, author=provider, body="Geen instrument, wel een idee.")
    solved = make_question(author=outsider, phase="uitvoeren", sector=energie)
    make_answer(question=solved, author=provider, instruments=[InstrumentFactory()])
    loose = make_question(author=outsider)

    demand = open_demand(user=AnonymousUser())

    assert {q.pk for q in demand.questions} == {unanswered.pk, in_words.pk, loose.pk}
    assert (demand.unanswered, demand.answered_without_instrument, demand.total) == (2, 1, 3)
    assert _groups(demand.by_phase) == {
        "starten": (1, 1, 2),
        "ontwerpen": (0, 0, 0),
        "uitvoeren": (0, 0, 0),
        "verduurzamen": (0, 0, 0),
        "geen": (1, 0, 1),
    }
    assert _groups(demand.by_sector) == {
        "energie": (1, 0, 1),
        "zorg-welzijn": (0, 1, 1),
        "geen": (1, 0, 1),
    }


def test_an_answer_linking_only_a_draft_leaves_the_question_open_for_others(
    outsider, provider, other_provider
):
    question = make_question(author=outsider, phase="starten")
    draft = InstrumentFactory(owner=provider, status=Status.DRAFT)
    make_answer(question=question, author=provider, instruments=[draft])

    assert [q.pk for q in open_demand(user=other_provider).questions] == [question.pk]
    assert open_demand(user=provider).questions == []


def test_the_demand_page_lists_groups_and_links_to_the_questions(client, outsider):
    question = make_question(author=outsider, phase="ontwerpen", title="Wie heeft een rollenspel?")

    response = client.get("/vragen/vraag-en-aanbod/")

    page = response.content.decode()
    assert response.status_code == 200
    assert question.get_absolute_url() in page
    assert 'id="demand-phase-ontwerpen"' in page
    assert 'id="demand-sector-geen"' in page


def test_the_demand_page_without_open_questions_says_what_to_do(client):
    response = client.get("/vragen/vraag-en-aanbod/")

    assert response.context["demand"].total == 0
    assert 'href="/vragen/nieuw/"' in response.content.decode()


def test_the_question_list_links_to_the_demand_page(client):
    assert 'href="/vragen/vraag-en-aanbod/"' in client.get("/vragen/").content.decode()
