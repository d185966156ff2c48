"""The concept list (A-Z) runs a fixed number of queries however many concepts it shows.

A change in this number is a reviewed decision: update the comment with the reason.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from knowledge.tests.factories import make_concept

pytestmark = pytest.mark.django_db


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/begrippen/", "/en/begrippen/"])
def test_the_concept_list_query_count_is_constant(client, url):
    for i in range(3):
        make_concept(term=f"Aanpak {i}")
    small = _count(client, url)
    for i in range(12):
        make_concept(term=f"Zienswijze {i}", term_en=f"View {i}")

    # 1 query: the concepts, in term order (the letter groups are made in Python).
    assert _count(client, url) == small == 1


def test_a_signed_in_visitor_adds_only_the_session_user_and_badge(outsider_client):
    make_concept(term="Aanpak")

    # The 1 of the anonymous list, plus 1 session, 1 user and 1 unread notifications (the
    # header's badge).
    assert _count(outsider_client, "/begrippen/") == 4
