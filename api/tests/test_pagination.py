"""Cursor pagination: following ``next`` walks a list completely, without duplicates,
even when many rows share the first ordering field; a bad cursor is a 400."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from api.pagination import encode_cursor
from api.tests.conftest import assert_error
from experiences.models import Experience
from experiences.tests.factories import make_experience
from instruments.tests.factories import InstrumentFactory

pytestmark = pytest.mark.django_db


def _walk(client, url: str) -> tuple[list, int]:
    seen, pages = [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        assert set(body) == {"items", "next"}
        seen.extend(body["items"])
        pages += 1
        url = body["next"]
        assert pages < 50
    return seen, pages


def test_walking_instruments_sees_each_once_in_slug_order(client):
    made = {InstrumentFactory(n=f"walk-{i:02d}").slug for i in range(23)}
    items, pages = _walk(client, "/api/v1/instruments?limit=5")
    slugs = [item["slug"] for item in items]
    assert slugs == sorted(made)
    assert pages == 5


def test_walking_experiences_with_equal_timestamps(client, outsider):
    instrument = InstrumentFactory()
    for _ in range(11):
        make_experience(instrument=instrument, author=outsider)
    same = timezone.now() - datetime.timedelta(days=1)
    Experience.objects.update(created_at=same)  # ties: the id decides
    items, pages = _walk(client, "/api/v1/experiences?limit=4")
    ids = [item["id"] for item in items]
    assert ids == sorted(Experience.objects.values_list("pk", flat=True), reverse=True)
    assert pages == 3


def test_rows_added_while_walking_do_not_repeat_rows(client, outsider):
    instrument = InstrumentFactory()
    for _ in range(4):
        make_experience(instrument=instrument, author=outsider)
    first = client.get("/api/v1/experiences?limit=2").json()
    make_experience(instrument=instrument, author=outsider)  # newer: before the cursor
    second = client.get(first["next"]).json()
    first_ids = {item["id"] for item in first["items"]}
    assert not first_ids & {item["id"] for item in second["items"]}
    assert second["next"] is None


def test_next_keeps_the_filters(client):
    InstrumentFactory(phases=["ontwerpen"])
    InstrumentFactory(phases=["ontwerpen"])
    InstrumentFactory(phases=["starten"])
    body = client.get("/api/v1/instruments?phase=ontwerpen&limit=1").json()
    assert "phase=ontwerpen" in body["next"] and "limit=1" in body["next"]
    second = client.get(body["next"]).json()
    assert len(second["items"]) == 1 and second["next"] is None


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64 !",
        encode_cursor([]),
        encode_cursor(["a", "b"]),  # instruments order by one field
        "e30",  # {} in base64
    ],
)
def test_a_bad_cursor_is_400(client, cursor):
    InstrumentFactory()
    assert_error(client.get("/api/v1/instruments", {"cursor": cursor}), 400, "invalid_cursor")


def test_a_cursor_with_a_wrong_type_is_400(client):
    bad = encode_cursor(["not a date", 3])
    assert_error(client.get("/api/v1/experiences", {"cursor": bad}), 400, "invalid_cursor")


@pytest.mark.parametrize(
    "moment",
    [
        "0001-01-01T00:00:00+14:00",  # before year 1 in UTC: OverflowError in the query (500)
        "9999-12-31T23:59:59-14:00",  # after year 9999 in UTC
        "2024-01-01T00:00:00",  # naive: not a cursor of ours
    ],
)
def test_a_cursor_with_a_datetime_out_of_range_is_400(client, outsider, moment):
    make_experience(instrument=InstrumentFactory(), author=outsider)
    bad = encode_cursor([moment, 3])
    assert_error(client.get("/api/v1/experiences", {"cursor": bad}), 400, "invalid_cursor")


@pytest.mark.parametrize("limit", ["0", "101", "many"])
def test_limit_must_be_1_to_100(client, limit):
    assert_error(client.get("/api/v1/instruments", {"limit": limit}), 422, "validation_error")
