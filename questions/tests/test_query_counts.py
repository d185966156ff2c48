"""Question pages run a fixed number of queries however many questions and answers they show.

A change in these numbers is a reviewed decision: update the comment with the reason.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from instruments.services import sector_get_or_create
from instruments.tests.factories import InstrumentFactory
from questions.tests.factories import make_answer, make_question
from search.ranking import get_index
from search.tests.spies import QueriesInside

pytestmark = pytest.mark.django_db


class _RecommendationSpy:
    """The page's queries outside ``recommendations_for_question``."""

    def __init__(self, monkeypatch) -> None:
        from questions import views

        self.inside = QueriesInside(monkeypatch, views, "recommendations_for_question")

    def page_queries(self, client, url: str) -> int:
        return self.inside.outside(lambda: _count(client, url))


def _count(client, url: str) -> int:
    # The search index is loaded once per process after each change; load it first so
    # the count is the page's own (the question page's candidate instruments use it).
    get_index()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _questions(n: int, *, asker, answerer) -> None:
    sector = sector_get_or_create("energie")
    instrument = InstrumentFactory()
    for i in range(n):
        question = make_question(author=asker, phase="starten", sector=sector)
        if i % 2:
            make_answer(question=question, author=answerer, instruments=[instrument])


@pytest.mark.parametrize("url", ["/vragen/", "/vragen/?fase=starten&status=zonder-instrument"])
def test_question_list_query_count_is_constant(client, outsider, provider, url):
    _questions(2, asker=outsider, answerer=provider)
    small = _count(client, url)
    _questions(10, asker=outsider, answerer=provider)

    # 1 count for the paginator, 1 page of questions (with author, sector, answer count and
    # "has an instrument" in one query), 1 sectors for the filter.
    assert _count(client, url) == small == 3


def test_demand_page_query_count_is_constant(client, outsider, provider):
    _questions(2, asker=outsider, answerer=provider)
    small = _count(client, "/vragen/vraag-en-aanbod/")
    _questions(10, asker=outsider, answerer=provider)

    # 1 open questions with everything the groups need.
    assert _count(client, "/vragen/vraag-en-aanbod/") == small == 1


def test_question_page_query_count_is_constant(
    client, outsider, provider, other_provider, monkeypatch
):
    spy = _RecommendationSpy(monkeypatch)
    question = make_question(author=outsider)
    instruments = [InstrumentFactory(), InstrumentFactory()]
    make_answer(question=question, author=provider, instruments=instruments)
    url = f"/vragen/{question.pk}/"
    small = spy.page_queries(client, url)
    for _ in range(5):
        make_answer(question=question, author=other_provider, instruments=instruments)

    # 1 question with author and sector, 1 answers with authors, 1 their visible instruments,
    # 1 comments with authors (the comment thread; its replies cost one more query only when
    # there are comments, see comments/tests). Not counted: the candidate instruments
    # (search.recommendations.recommendations_for_question).
    assert spy.page_queries(client, url) == small == 4


def test_signed_in_question_page_adds_session_user_and_follow_state(
    outsider_client, outsider, provider, monkeypatch
):
    spy = _RecommendationSpy(monkeypatch)
    question = make_question(author=outsider)
    make_answer(question=question, author=provider, instruments=[InstrumentFactory()])

    # The 4 of the anonymous page, plus 1 session, 1 user, 1 "do I follow this?" and
    # 1 instruments offered in the answer form, 2 unread notifications (header badge: the
    # answer notified the asker; is anything unread, then how many may be seen).
    assert spy.page_queries(outsider_client, f"/vragen/{question.pk}/") == 10
