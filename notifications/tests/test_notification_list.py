"""Reading notifications checks visibility again: what the recipient may no longer see
(left the community, visibility changed, draft) is neither shown nor counted."""

from __future__ import annotations

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import UserFactory, signed_in_client
from communities.models import Membership
from communities.services import (
    community_update,
    invitation_create,
    join_request_create,
    membership_leave,
    membership_set_role,
)
from communities.tests.factories import add_member
from experiences.tests.factories import make_experience
from instruments.constants import Status
from instruments.tests.factories import InstrumentFactory
from journal.tests.factories import make_entry
from notifications.context_processors import unread_count as unread_count_processor
from notifications.models import Notification, NotificationKind
from notifications.selectors import notifications_for, unread_count
from notifications.services import follow_create
from questions.tests.factories import make_answer, make_question

pytestmark = pytest.mark.django_db


def _listed(user) -> list[int]:
    return list(notifications_for(user).values_list("pk", flat=True))


def test_leaving_a_community_hides_its_notifications(communities, member, observer, instrument):
    community = communities["members"]
    follow_create(user=observer, target=community)
    make_experience(instrument=instrument, author=member, community=community)
    entry = make_entry(community=community, author=member, title="Besloten stap")
    before = _listed(observer)
    assert len(before) == unread_count(observer) == 2

    membership_leave(user=observer, community=community)

    assert _listed(observer) == []
    assert unread_count(observer) == 0
    page = signed_in_client(observer).get("/meldingen/").content.decode()
    assert entry.title not in page
    assert all(f"/meldingen/{pk}/" not in page for pk in before)


def test_a_public_community_going_members_only_hides_its_notifications_from_outsiders(
    communities, facilitator, member, outsider
):
    community = communities["public"]
    follow_create(user=outsider, target=community)
    entry = make_entry(community=community, author=member, title="Openbare stap")
    notification = Notification.objects.get(recipient=outsider, journal_entry=entry)
    assert _listed(outsider) == [notification.pk]

    community_update(user=facilitator, community=community, visibility="members")

    assert _listed(outsider) == []
    assert unread_count(outsider) == 0
    assert signed_in_client(outsider).get(f"/meldingen/{notification.pk}/").status_code == 404
    assert "Openbare stap" not in signed_in_client(outsider).get("/meldingen/").content.decode()


def test_an_experience_on_an_instrument_gone_back_to_draft_is_hidden(provider, outsider, member):
    instrument = InstrumentFactory(owner=provider)
    follow_create(user=outsider, target=instrument)
    make_experience(instrument=instrument, author=member)
    assert unread_count(outsider) == 1

    instrument.status = Status.DRAFT
    instrument.save(update_fields=["status"])

    assert unread_count(outsider) == 0
    assert _listed(provider) == []  # the provider did not follow it


def test_an_invitation_is_shown_only_to_its_invitee(communities, facilitator, outsider):
    invitee = UserFactory(email="genodigde@example.org")
    invitation, _token = invitation_create(
        user=facilitator, community=communities["confidential"], email=invitee.email
    )
    # Even a notification row that named someone else would not show them the invitation.
    stray = Notification.objects.create(
        recipient=outsider, kind=NotificationKind.INVITATION, invitation=invitation
    )

    assert len(_listed(invitee)) == 1
    assert stray.pk not in _listed(outsider)


def test_a_join_request_is_shown_only_while_the_recipient_facilitates(
    communities, facilitator, outsider
):
    community = communities["public"]
    second = UserFactory()
    add_member(community, second, "facilitator")
    join_request_create(user=outsider, community=community)
    assert unread_count(second) == unread_count(facilitator) == 1

    membership = Membership.objects.get(community=community, user=second)
    membership_set_role(user=facilitator, membership=membership, role="member")

    assert unread_count(second) == 0
    assert unread_count(facilitator) == 1


def test_the_list_is_newest_first_and_marks_unread(outsider, provider):
    question = make_question(author=outsider)
    first = make_answer(question=question, author=provider)
    second = make_answer(question=question, author=provider)
    older = Notification.objects.get(answer=first)
    older.read_at = older.created_at
    older.save(update_fields=["read_at"])

    response = signed_in_client(outsider).get("/meldingen/")

    listed = list(response.context["page"].object_list)
    assert [n.answer_id for n in listed] == [second.pk, first.pk]
    assert response.context["unread_notification_count"] == 1
    assert response.content.decode().count("notification--unread") == 1


def test_opening_a_notification_marks_it_read_and_goes_to_its_content(outsider, provider):
    question = make_question(author=outsider)
    answer = make_answer(question=question, author=provider)
    notification = Notification.objects.get(recipient=outsider)

    response = signed_in_client(outsider).get(f"/meldingen/{notification.pk}/")

    notification.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == f"/vragen/{question.pk}/#answer-{answer.pk}"
    assert notification.read_at is not None


def test_someone_elses_notification_is_not_found(outsider, provider, other_provider):
    make_answer(question=make_question(author=outsider), author=provider)
    notification = Notification.objects.get(recipient=outsider)

    assert signed_in_client(other_provider).get(f"/meldingen/{notification.pk}/").status_code == 404


def test_mark_all_as_read(outsider, provider):
    question = make_question(author=outsider)
    make_answer(question=question, author=provider)
    make_answer(question=question, author=provider)
    client = signed_in_client(outsider)

    assert client.get("/meldingen/gelezen/").status_code == 405
    response = client.post("/meldingen/gelezen/")

    assert response.status_code == 302
    assert unread_count(outsider) == 0


def test_anonymous_is_sent_to_log_in(client):
    for url in ("/meldingen/", "/meldingen/1/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/account/login/")
    assert client.post("/meldingen/gelezen/")["Location"].startswith("/account/login/")


def test_the_empty_list_says_what_to_do(outsider_client):
    response = outsider_client.get("/meldingen/")

    assert response.context["page"].paginator.count == 0
    assert 'href="/instrumenten/"' in response.content.decode()


def test_the_list_shows_what_the_user_follows(outsider_client, outsider, communities, instrument):
    follow_create(user=outsider, target=instrument)
    follow_create(user=outsider, target=communities["public"])

    followed = outsider_client.get("/meldingen/").context["followed"]

    assert [item.target for item in followed] == [communities["public"], instrument]


def test_the_list_query_count_is_constant(
    communities, instrument, member, observer, outsider, provider
):
    def notify(n: int) -> None:
        for _ in range(n):
            make_experience(instrument=instrument, author=member, community=communities["members"])
            make_entry(community=communities["confidential"], author=member)
            make_answer(question=question, author=provider)

    question = make_question(author=observer)
    follow_create(user=observer, target=communities["members"])
    follow_create(user=observer, target=communities["confidential"])
    client = signed_in_client(observer)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/meldingen/").status_code == 200
        return len(queries)

    notify(1)
    small = count()
    notify(4)

    # 1 session, 1 user, 1 count for the paginator, 1 page of notifications with everything
    # they show, 2 unread count (is anything unread, then how many may be seen), 1 follows,
    # then 1 per kind of thing followed (here communities and questions; instruments would
    # add one).
    assert count() == small == 9


def test_the_unread_count_is_lazy_and_zero_for_anonymous(outsider, provider):
    from django.contrib.auth.models import AnonymousUser

    make_answer(question=make_question(author=outsider), author=provider)
    request = RequestFactory().get("/")

    request.user = AnonymousUser()
    assert unread_count_processor(request)["unread_notification_count"] == 0
    request.user = outsider
    with CaptureQueriesContext(connection) as queries:
        value = unread_count_processor(request)["unread_notification_count"]
    assert len(queries) == 0
    assert Template("{{ n }}").render(Context({"n": value})) == "1"


def test_a_join_request_leads_to_the_members_page(communities, facilitator, outsider):
    community = communities["public"]
    join_request_create(user=outsider, community=community)
    notification = Notification.objects.get(recipient=facilitator)

    listed = signed_in_client(facilitator).get("/meldingen/").content.decode()
    response = signed_in_client(facilitator).get(f"/meldingen/{notification.pk}/")

    assert f'href="/meldingen/{notification.pk}/"' in listed
    assert response["Location"] == f"/communities/{community.slug}/leden/"


def test_an_invitation_points_to_its_email_rather_than_a_page(communities, facilitator):
    invitee = UserFactory(email="uitgenodigd@example.org")
    invitation_create(user=facilitator, community=communities["confidential"], email=invitee.email)

    page = signed_in_client(invitee).get("/meldingen/").content.decode()

    assert "Confidential community" in page
    assert "uitgenodigd@example.org" in page
    assert '<a class="notification__link"' not in page
