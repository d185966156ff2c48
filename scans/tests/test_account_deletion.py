"""Deleting an account with its contributions: answers in open rounds go; answers in
closed rounds stay without an author, so results already shown do not change (and the
difference could not give the person's answers away)."""

from __future__ import annotations

import pytest

from accounts.personal_data import account_delete
from scans.models import Response
from scans.selectors import round_results
from scans.tests.factories import add_members, answer, answered_round, start_round

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def _mean(round_):
    return round_results(round_).scored[0].statistics.mean


@pytest.mark.parametrize("contributions", ["delete", "anonymise"])
def test_answers_in_closed_rounds_stay_without_an_author(
    contributions, facilitator, community, scan
):
    closed = answered_round(facilitator, community, scan, [[1, 1, 0], [5, 5, 1], [4, 2, 1]])
    leaving = closed.responses.first().respondent
    before = _mean(closed)

    account_delete(user=leaving, contributions=contributions, password=PASSWORD)

    assert closed.responses.count() == 3
    assert closed.responses.filter(respondent__isnull=True).count() == 1
    assert _mean(closed) == before


def test_answers_in_open_rounds_are_deleted_with_the_contributions(facilitator, community, scan):
    open_round = start_round(facilitator, community, scan)
    [leaving] = add_members(community, 1)
    answer(leaving, open_round, [3, 3, 1])

    account_delete(user=leaving, contributions="delete", password=PASSWORD)

    assert not Response.objects.filter(round=open_round).exists()
