"""A new scan round asks the community's facilitators and members to fill it in: queued by
``scans.services.round_start`` after its commit, decided when the task runs, and shown
only while the recipient may still answer in the community."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory, signed_in_client
from communities.models import Membership
from communities.services import membership_leave, membership_set_role
from communities.tests.factories import add_member
from instruments.tests.factories import InstrumentFactory
from notifications.models import Notification, NotificationKind
from notifications.selectors import notifications_for, unread_count
from scans.definitions import ItemSpec
from scans.services import round_close, round_start, scan_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(held_queue):
    """Notification tasks run when the test says so (``round_start`` queues after commit)."""
    return held_queue


@pytest.fixture
def scan(provider):
    instrument = InstrumentFactory(owner=provider, title="Samenwerkingsscan")
    return scan_create(
        user=provider,
        instrument=instrument,
        title="Hoe staan we ervoor?",
        instructions="",
        items=[ItemSpec(text="We delen een doel.", scale="agreement")],
    )


@pytest.fixture
def community(communities):
    return communities["members"]


def _start(queue, *, user, community, scan, title: str = "Voorjaarsronde"):
    closes_on = timezone.localdate() + datetime.timedelta(days=14)
    return queue.commit(
        lambda: round_start(
            user=user, community=community, scan=scan, title=title, closes_on=closes_on
        )
    )


def _recipients(round_) -> set[int]:
    notices = Notification.objects.filter(scan_round=round_)
    return set(notices.values_list("recipient_id", flat=True))


def test_facilitators_and_members_are_asked_but_not_observers_nor_the_starter(
    queue, community, scan, facilitator, member, observer
):
    co_facilitator = UserFactory(name="Co Facilitator")
    other_member = UserFactory(name="Ander Lid")
    add_member(community, co_facilitator, "facilitator")
    add_member(community, other_member, "member")

    round_ = _start(queue, user=facilitator, community=community, scan=scan)

    assert queue.of_group("notifications") == [
        ("notifications.tasks.notify_scan_round_started", (round_.pk,), "notifications", {})
    ]
    assert not Notification.objects.exists()
    queue.run("notifications")

    assert _recipients(round_) == {co_facilitator.pk, member.pk, other_member.pk}
    notices = Notification.objects.filter(scan_round=round_)
    assert {(n.kind, n.actor_id) for n in notices} == {
        (NotificationKind.SCAN_ROUND, facilitator.pk)
    }


def test_a_round_closed_before_the_task_runs_notifies_nobody(
    queue, community, scan, facilitator, member
):
    round_ = _start(queue, user=facilitator, community=community, scan=scan)

    round_close(user=facilitator, round_=round_)
    queue.run("notifications")

    assert not Notification.objects.filter(kind=NotificationKind.SCAN_ROUND).exists()


def test_a_round_deleted_before_the_task_runs_notifies_nobody(
    queue, community, scan, facilitator, member
):
    round_ = _start(queue, user=facilitator, community=community, scan=scan)

    round_.delete()
    queue.run("notifications")

    assert not Notification.objects.filter(kind=NotificationKind.SCAN_ROUND).exists()


def test_someone_who_left_before_the_task_runs_is_not_asked(
    queue, community, scan, facilitator, member
):
    round_ = _start(queue, user=facilitator, community=community, scan=scan)

    membership_leave(user=member, community=community)
    queue.run("notifications")

    assert member.pk not in _recipients(round_)


def test_a_member_who_left_the_community_no_longer_sees_the_notice(
    queue, community, scan, facilitator, member
):
    round_ = _start(queue, user=facilitator, community=community, scan=scan)
    queue.run("notifications")
    notice = Notification.objects.get(recipient=member, scan_round=round_)
    assert list(notifications_for(member)) == [notice]
    assert unread_count(member) == 1

    membership_leave(user=member, community=community)

    assert list(notifications_for(member)) == []
    assert unread_count(member) == 0
    page = signed_in_client(member).get("/meldingen/").content.decode()
    assert round_.title not in page
    assert signed_in_client(member).get(f"/meldingen/{notice.pk}/").status_code == 404


def test_a_member_made_observer_no_longer_sees_the_notice(
    queue, community, scan, facilitator, member
):
    round_ = _start(queue, user=facilitator, community=community, scan=scan)
    queue.run("notifications")
    assert Notification.objects.filter(recipient=member, scan_round=round_).exists()

    membership = Membership.objects.get(community=community, user=member)
    membership_set_role(user=facilitator, membership=membership, role="observer")

    assert list(notifications_for(member)) == []


def test_the_notice_names_the_round_its_community_and_who_started_it(
    queue, community, scan, facilitator, member
):
    _start(queue, user=facilitator, community=community, scan=scan, title="Najaar 2026")
    queue.run("notifications")

    page = signed_in_client(member).get("/meldingen/").content.decode()

    assert "Najaar 2026" in page
    assert community.name in page
    assert facilitator.display_name in page


def test_the_notice_leads_to_the_answer_page(queue, community, scan, facilitator, member):
    round_ = _start(queue, user=facilitator, community=community, scan=scan)
    queue.run("notifications")
    notice = Notification.objects.get(recipient=member, scan_round=round_)
    answer_url = reverse("scans:answer", kwargs={"code": round_.code})

    assert answer_url == f"/scans/rondes/{round_.code}/antwoorden/"
    assert notice.content_url == answer_url
    response = signed_in_client(member).get(f"/meldingen/{notice.pk}/")
    assert response.status_code == 302
    assert response["Location"] == answer_url


def test_the_list_query_count_does_not_grow_with_scan_rounds(
    queue, community, scan, facilitator, member
):
    client = signed_in_client(member)

    def start_rounds(n: int) -> None:
        for i in range(n):
            _start(queue, user=facilitator, community=community, scan=scan, title=f"Ronde {i}")
        queue.run("notifications")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/meldingen/").status_code == 200
        return len(queries)

    start_rounds(1)
    small = count()
    start_rounds(4)

    assert count() == small
