"""The audit log page: staff only, newest first, readable, filterable, paged, and a fixed
number of queries whatever the number of events."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from audit.services import record_event
from communities.services import community_update
from communities.tests.factories import make_community

pytestmark = pytest.mark.django_db

LOG = reverse("audit:log")
EXPORT = reverse("audit:export")


def _rows(response) -> list:
    return response.context["rows"]


def _actions(response) -> list[str]:
    return [row.event.action for row in _rows(response)]


# --- who may read it -----------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for url in (LOG, EXPORT):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]


def test_signed_in_non_staff_are_refused(outsider_client, provider_client):
    assert outsider_client.get(LOG).status_code == 403
    assert outsider_client.get(EXPORT).status_code == 403
    assert provider_client.get(LOG).status_code == 403


def test_moderators_who_are_not_staff_are_refused(client):
    client.force_login(UserFactory(is_moderator=True))

    assert client.get(LOG).status_code == 403


def test_the_page_only_reads(staff_client):
    assert staff_client.post(LOG).status_code == 405


# --- what staff see ------------------------------------------------------------------


def test_staff_see_events_newest_first_with_who_what_and_the_changes(staff_client, staff, provider):
    community = make_community(facilitator=provider, name="Warmtenet Noord", visibility="members")
    community_update(user=provider, community=community, visibility="public")

    response = staff_client.get(f"/en{LOG}")

    assert response.status_code == 200
    assert _actions(response) == [
        "community.visibility_changed",
        "membership.added",
        "community.created",
    ]
    newest = _rows(response)[0]
    assert newest.actor == provider.display_name
    assert newest.action_label == "Community visibility changed"
    assert [(c.name, c.before, c.after) for c in newest.changes] == [
        ("visibility", "Members only", "Public")
    ]
    html = response.content.decode()
    assert "<caption" in html
    assert '<th scope="col">' in html
    assert "community.visibility_changed" in html
    assert "Warmtenet Noord" in html


def test_a_deleted_actor_and_the_system_are_named_as_such(staff_client):
    gone = UserFactory()
    gone_id = gone.pk
    record_event(actor=gone, action="account.data_exported", target_type="user", target_id=gone_id)
    gone.delete()
    record_event(actor=None, action="membership.added", target_type="membership", target_id=1)

    response = staff_client.get(f"/en{LOG}")

    actors = [row.actor for row in _rows(response)]
    assert actors == ["system", f"deleted account #{gone_id}"]


def test_only_changed_keys_are_shown(staff_client, staff):
    record_event(
        actor=staff,
        action="account.staff_changed",
        target=staff,
        before={"is_staff": False, "is_superuser": False, "is_moderator": False},
        after={"is_staff": True, "is_superuser": False, "is_moderator": False},
    )

    [row] = _rows(staff_client.get(f"/en{LOG}"))

    assert [(c.name, c.before, c.after) for c in row.changes] == [("is_staff", "no", "yes")]


def test_an_empty_log_says_so(staff_client):
    response = staff_client.get(f"/en{LOG}")

    assert response.status_code == 200
    assert "Nothing recorded yet" in response.content.decode()


# --- filters -------------------------------------------------------------------------


@pytest.fixture
def mixed_log(staff, provider):
    """Four events by two people on two kinds of target, one of them two weeks old."""
    two_weeks_ago = timezone.now() - timedelta(days=14)
    # ``created_at`` is set on insert (auto_now_add) and never changes: backdate the insert.
    with mock.patch("django.utils.timezone.now", return_value=two_weeks_ago):
        record_event(
            actor=staff, action="community.visibility_changed", target_type="community", target_id=3
        )
    record_event(
        actor=staff, action="community.visibility_changed", target_type="community", target_id=4
    )
    record_event(actor=staff, action="account.staff_changed", target=provider)
    record_event(actor=provider, action="membership.added", target_type="membership", target_id=7)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"action": "membership.added"}, ["membership.added"]),
        ({"target_type": "community"}, ["community.visibility_changed"] * 2),
        ({"target_type": "community", "target_id": "3"}, ["community.visibility_changed"]),
        ({"target_type": "user"}, ["account.staff_changed"]),
    ],
)
def test_staff_filter_by_action_and_target(staff_client, mixed_log, params, expected):
    response = staff_client.get(LOG, params)

    assert response.status_code == 200
    assert _actions(response) == expected


def test_staff_filter_by_actor_email_or_id(staff_client, mixed_log, provider):
    by_email = staff_client.get(LOG, {"actor": provider.email.upper()})
    by_id = staff_client.get(LOG, {"actor": str(provider.pk)})

    assert _actions(by_email) == ["membership.added"]
    assert _actions(by_id) == ["membership.added"]


def test_staff_filter_by_dates(staff_client, mixed_log):
    today = timezone.localdate()
    yesterday = (today - timedelta(days=1)).isoformat()
    three_weeks_ago = (today - timedelta(days=21)).isoformat()

    recent = staff_client.get(LOG, {"date_from": today.isoformat(), "date_to": today.isoformat()})
    old = staff_client.get(LOG, {"date_from": three_weeks_ago, "date_to": yesterday})

    assert len(_rows(recent)) == 3
    assert [row.event.target_id for row in _rows(old)] == ["3"]


def test_no_match_shows_an_empty_state_with_a_way_back(staff_client, mixed_log):
    response = staff_client.get(f"/en{LOG}", {"target_id": "does-not-exist"})

    html = response.content.decode()
    assert "No events match these filters" in html
    assert "Clear all filters" in html


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"action": "nonsense.action"}, "action"),
        ({"actor": "not an address"}, "actor"),
        ({"actor": "nobody@example.org"}, "actor"),
        ({"actor": "9" * 30}, "actor"),
        ({"target_type": "no_such_kind"}, "target_type"),
        ({"date_from": "31-31-2026"}, "date_from"),
        ({"date_from": "2026-05-02", "date_to": "2026-05-01"}, "date_to"),
        ({"target_id": "x" * 65}, "target_id"),
    ],
)
def test_bad_filter_input_is_a_form_error_not_a_server_error(
    staff_client, mixed_log, params, field
):
    response = staff_client.get(LOG, params)

    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert response.context["rows"] == []
    assert 'role="alert"' in response.content.decode()


def test_a_bad_page_number_shows_a_page_not_an_error(staff_client, mixed_log):
    assert staff_client.get(LOG, {"page": "abc"}).status_code == 200
    assert staff_client.get(LOG, {"page": "999"}).status_code == 200


# --- paging and query count ----------------------------------------------------------


def _log_events(count: int, actors) -> None:
    for n in range(count):
        record_event(
            actor=actors[n % len(actors)],
            action="membership.role_changed",
            target_type="membership",
            target_id=n,
            before={"role": "member"},
            after={"role": "observer"},
        )


def test_pages_hold_25_events_and_the_links_keep_the_filters(staff_client, staff):
    _log_events(30, [staff])

    first = staff_client.get(LOG, {"action": "membership.role_changed"})
    second = staff_client.get(LOG, {"action": "membership.role_changed", "page": "2"})

    assert len(_rows(first)) == 25
    assert len(_rows(second)) == 5
    assert "?action=membership.role_changed&amp;page=2" in first.content.decode()


@pytest.mark.parametrize("count", [2, 30])
def test_the_query_count_is_constant(staff_client, staff, count, django_assert_num_queries):
    gone = UserFactory()
    _log_events(count, [staff, gone, UserFactory(), None])
    gone.delete()

    # Every signed-in page: 1 session, 2 the user, 3 the two-factor check for staff
    # (accounts.security), 4 the unread notifications in the header. This page: 5 the
    # actions and target types for the filters, 6 the number of events (paging), 7 the
    # page's events, 8 the names of their actors, in one query for all of them.
    with django_assert_num_queries(8):
        response = staff_client.get(LOG)

    assert len(_rows(response)) == min(count, 25)


# --- CSV export ----------------------------------------------------------------------


def test_staff_download_the_filtered_log_as_csv(staff_client, staff, mixed_log):
    record_event(
        actor=staff,
        action="membership.added",
        target_type="membership",
        target_id=9,
        target_label="=HYPERLINK(1)",
        after={"role": "member"},
    )

    response = staff_client.get(EXPORT, {"action": "membership.added"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["action"] for row in rows] == ["membership.added", "membership.added"]
    assert rows[0]["target_label"] == "'=HYPERLINK(1)"  # no formula for a spreadsheet to run
    assert rows[0]["after"] == '{"role": "member"}'


def test_the_csv_export_with_bad_filters_shows_the_form_errors(staff_client):
    response = staff_client.get(EXPORT, {"date_from": "gisteren"})

    assert response.status_code == 400
    assert "date_from" in response.context["form"].errors
