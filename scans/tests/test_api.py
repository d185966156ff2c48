"""The scans API gives aggregates only: a round's results are null until it is released,
rounds follow their community's visibility, and no response names a respondent."""

from __future__ import annotations

import json

import pytest

from accounts.tests.factories import signed_in_client
from communities.tests.factories import make_community
from instruments.tests.factories import InstrumentFactory
from scans.tests.factories import AGREE_KEY, answered_round, make_scan

pytestmark = pytest.mark.django_db

ROWS = [[1, 2, 1], [5, 4, 0], [5, 3, 1]]


def _get(client, url):
    response = client.get(url)
    return response.status_code, json.loads(response.content)


def test_a_round_has_no_results_until_it_is_released(client, facilitator, community, scan):
    round_ = answered_round(facilitator, community, scan, ROWS[:2], close=True)

    status, body = _get(client, f"/api/v1/scan-rounds/{round_.code}")

    assert status == 200
    assert body["responses"] == 2
    assert body["results"] is None


def test_a_released_round_gives_distribution_mean_and_spread_without_names(
    client, facilitator, community, scan
):
    round_ = answered_round(facilitator, community, scan, ROWS, texts=["b", "a", "c"])

    status, body = _get(client, f"/api/v1/scan-rounds/{round_.code}")

    assert status == 200
    agree = next(result for result in body["results"] if result["key"] == AGREE_KEY)
    assert agree["distribution"] == {"1": 1, "2": 0, "3": 0, "4": 0, "5": 2}
    assert agree["mean"] == pytest.approx(11 / 3)
    assert agree["discussion_point"] is True
    open_answers = next(result for result in body["results"] if result["scale"] == "open")
    assert open_answers["open_answers"] == ["a", "b", "c"]
    text = json.dumps(body)
    for response in round_.responses.select_related("respondent"):
        assert response.respondent.name not in text
        assert response.respondent.email not in text


@pytest.mark.parametrize("visibility", ["members", "confidential"])
def test_a_closed_communitys_round_is_404_for_outsiders(visibility, client, facilitator, scan):
    closed = make_community(facilitator=facilitator, visibility=visibility)
    round_ = answered_round(facilitator, closed, scan, ROWS)

    assert client.get(f"/api/v1/scan-rounds/{round_.code}").status_code == 404
    member_view = signed_in_client(facilitator).get(f"/api/v1/scan-rounds/{round_.code}")
    assert member_view.status_code == 200


def test_instrument_scans_count_only_public_communities(client, provider, facilitator, scan):
    public = make_community(facilitator=facilitator, visibility="public", sectors=["zorg"])
    members_only = make_community(facilitator=facilitator, visibility="members")
    answered_round(facilitator, public, scan, ROWS)
    answered_round(facilitator, members_only, scan, ROWS)

    status, body = _get(client, f"/api/v1/instruments/{scan.instrument.slug}/scans")

    assert status == 200
    [listed] = body
    assert listed["id"] == scan.pk
    assert listed["across_public_communities"]["responses"] == 3
    assert listed["across_public_communities"]["rounds"] == 1
    assert [item["scale"] for item in listed["items"]] == ["agreement", "bipolar", "yes_no", "open"]


def test_a_draft_instruments_scans_are_404_for_others(client, provider):
    draft = InstrumentFactory(owner=provider, status="draft")
    make_scan(provider, instrument=draft)

    assert client.get(f"/api/v1/instruments/{draft.slug}/scans").status_code == 404
