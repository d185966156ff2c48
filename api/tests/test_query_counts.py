"""API collections run a fixed number of queries however many items a page holds.

A change in these numbers is a reviewed decision: update the comment with the reason.
Counts are for an anonymous caller; a token adds exactly one query (the token with its
user), and its ``last_used_at`` UPDATE at most once a minute.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.tests.conftest import ApiClient, token_for
from communities.tests.factories import add_member, make_community
from experiences.tests.factories import make_experience
from instruments.tests.factories import InstrumentFactory
from journal.tests.factories import make_entry
from questions.tests.factories import make_answer, make_question

pytestmark = pytest.mark.django_db


def _grow(facilitator, community, instrument, n: int, prefix: str) -> None:
    for i in range(n):
        InstrumentFactory(n=f"{prefix}{i}", phases=["starten", "uitvoeren"], sectors=["energie"])
        make_community(facilitator=facilitator, visibility="members")
        make_experience(instrument=instrument, author=facilitator, community=community)
        make_entry(community=community, author=facilitator, instruments=[instrument])
        question = make_question(author=facilitator)
        make_answer(question=question, author=facilitator, instruments=[instrument])


def _count(api: ApiClient, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(path, {"limit": 100})
        assert response.status_code == 200, response.content
    return len(queries)


# path -> queries for an anonymous caller, each explained.
EXPECTED = {
    # 1 page of instruments, 1 phase links, 1 sector links (with their sectors).
    "/instruments": 3,
    # 1 page of experiences with instrument, author, community and sector joined; the
    # visibility rule is a subquery inside it.
    "/experiences": 1,
    # 1 page of communities with viewer role, readability and member count annotated.
    "/communities": 1,
    # 1 the community (visibility rule), 1 page of entries with authors, 1 visible
    # instruments, 1 attachments, 1 value stories.
    "/communities/{slug}/journal": 5,
    # 1 page of questions with authors, sectors, answer count and has_instrument.
    "/questions": 1,
}


@pytest.mark.parametrize("path", list(EXPECTED))
def test_list_query_counts_are_constant(path, outsider):
    from accounts.tests.factories import UserFactory

    facilitator = UserFactory()
    community = make_community(facilitator=facilitator, visibility="public")
    instrument = InstrumentFactory()
    url = path.replace("{slug}", community.slug)
    anonymous = ApiClient()
    with_token = ApiClient(token_for(outsider))
    _count(with_token, url)  # the token's first use writes last_used_at; later ones do not

    _grow(facilitator, community, instrument, 2, "a")
    small = _count(anonymous, url)
    _grow(facilitator, community, instrument, 8, "b")
    assert _count(anonymous, url) == small == EXPECTED[path]
    assert _count(with_token, url) == EXPECTED[path] + 1


def test_a_member_sees_more_in_the_same_number_of_queries(outsider):
    from accounts.tests.factories import UserFactory

    facilitator = UserFactory()
    community = make_community(facilitator=facilitator, visibility="confidential")
    add_member(community, outsider)
    instrument = InstrumentFactory()
    _grow(facilitator, community, instrument, 3, "m")
    api = ApiClient(token_for(outsider))
    _count(api, "/experiences")
    assert _count(api, "/experiences") == EXPECTED["/experiences"] + 1
    assert len(api.get("/experiences").json()["items"]) == 3
