"""The author's side: what happened to their contributions and why, the one appeal, and a
moderator's answer to it (uphold, or reverse what the action did)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory, signed_in_client
from audit.models import AuditEvent
from comments.models import Comment
from comments.tests.factories import make_comment
from communities.tests.factories import add_member, make_community
from experiences.tests.factories import make_experience
from instruments.tests.factories import InstrumentFactory
from moderation.actions import (
    AppealDecide,
    Approve,
    Ban,
    Dismiss,
    EditWithNote,
    Hide,
    Suspend,
    Warn,
)
from moderation.constants import AppealStatus, ModerationState
from moderation.models import Appeal
from moderation.tests.factories import make_moderator, make_report, moderate
from questions.tests.factories import make_question

pytestmark = pytest.mark.django_db

MINE = reverse("moderation:mine")
QUEUE = reverse("moderation:queue")


def _appeal_url(decision) -> str:
    return reverse("moderation:appeal", kwargs={"decision_id": decision.pk})


def _case_url(decision) -> str:
    return reverse("moderation:case", kwargs={"case_id": decision.case_id})


@pytest.fixture
def moderator():
    return make_moderator(name="Mo Moderator")


@pytest.fixture
def author():
    return UserFactory(name="Auke Auteur")


@pytest.fixture
def author_client(author):
    return signed_in_client(author)


@pytest.fixture
def comment(author):
    question = make_question(author=UserFactory(), title="Wat werkt bij de start?")
    return make_comment(target=question, author=author, body="Mijn **reactie** hier.")


@pytest.fixture
def hidden(comment, moderator):
    """A hidden comment and the decision that hid it."""
    make_report(comment)
    return moderate(Hide, comment, moderator=moderator, reason="Te persoonlijk.").decision


# The author's page -----------------------------------------------------------------------


def test_the_author_sees_what_happened_when_and_why(author_client, hidden, comment):
    response = author_client.get("/en" + MINE)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Te persoonlijk." in body
    assert "hidden" in body.lower()
    assert f'id="decision-{hidden.pk}"' in body
    assert _appeal_url(hidden) in body  # the appeal form


def test_the_author_page_needs_sign_in_and_shows_nobody_elses_decisions(
    client, outsider_client, hidden
):
    assert client.get(MINE).status_code == 302
    body = outsider_client.get(MINE).content.decode()
    assert "Te persoonlijk." not in body
    assert 'data-testid="my-decisions-empty"' in body


def test_dismissed_reports_are_not_shown_to_the_author(author_client, comment, moderator):
    make_report(comment)
    moderate(Dismiss, comment, moderator=moderator)

    assert b'data-testid="my-decisions-empty"' in author_client.get(MINE).content


def test_the_profile_links_to_the_authors_moderation_page(author_client, hidden):
    body = author_client.get(reverse("accounts:profile")).content.decode()

    assert 'data-testid="moderation-summary"' in body
    assert MINE in body


def test_the_author_finds_the_decision_among_their_notifications(author_client, hidden):
    response = author_client.get("/en" + reverse("notifications:list"))

    (notification,) = list(response.context["page"].object_list)
    assert notification.content_url.endswith(f"{MINE}#decision-{hidden.pk}")
    body = response.content.decode()
    assert reverse("notifications:open", args=[notification.pk]) in body
    assert "A moderator decided about your contribution" in body


# Appealing once --------------------------------------------------------------------------


def test_an_author_appeals_once(author_client, hidden):
    response = author_client.post(_appeal_url(hidden), {"text": "Het was niet persoonlijk."})

    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert (appeal.decision, appeal.text, appeal.status) == (
        hidden,
        "Het was niet persoonlijk.",
        AppealStatus.OPEN,
    )

    again = author_client.post("/en" + _appeal_url(hidden), {"text": "Nog een keer."}, follow=True)

    assert Appeal.objects.count() == 1
    messages = [str(m) for m in again.context["messages"]]
    assert messages[-1] == (
        "You have appealed this decision already; each decision can be appealed once."
    )
    assert _appeal_url(hidden) not in again.content.decode()  # no second form


def test_an_appeal_needs_a_text(author_client, hidden):
    response = author_client.post(_appeal_url(hidden), {"text": "  "})

    assert response.status_code == 200
    assert b"error-summary" in response.content
    assert not Appeal.objects.exists()


def test_nobody_appeals_someone_elses_decision(outsider_client, moderator, hidden):
    assert outsider_client.post(_appeal_url(hidden), {"text": "Ik ook."}).status_code == 404
    assert signed_in_client(moderator).post(_appeal_url(hidden), {"text": "x"}).status_code == 404
    assert not Appeal.objects.exists()


def test_decisions_in_the_authors_favour_cannot_be_appealed(moderator):
    held = make_experience(instrument=InstrumentFactory(), author=UserFactory(trusted_at=None))
    approval = moderate(Approve, held, moderator=moderator).decision
    owner = signed_in_client(held.author)

    response = owner.post(_appeal_url(approval), {"text": "Waarom?"}, follow=True)

    assert not Appeal.objects.exists()
    assert response.status_code == 200


# Appeals in the queue, and deciding them -------------------------------------------------


def _appeal(decision, text: str = "Graag opnieuw bekijken.") -> Appeal:
    return Appeal.objects.create(decision=decision, author=decision.author, text=text)


def test_appeals_appear_in_the_queue_of_those_who_moderate_the_item(moderator, hidden):
    _appeal(hidden)
    other_facilitator = UserFactory()
    make_community(facilitator=other_facilitator)

    body = signed_in_client(moderator).get(QUEUE, {"show": "appeals"}).content.decode()
    other = signed_in_client(other_facilitator).get(QUEUE, {"show": "appeals"}).content.decode()

    assert body.count('data-testid="queue-row"') == 1
    assert "tag--appeal" in body
    assert 'data-testid="queue-row"' not in other


def _decide(moderator, appeal, outcome: str, response: str = "Bekeken."):
    client = signed_in_client(moderator)
    prefix = f"appeal-{appeal.pk}"
    return client.post(
        _case_url(appeal.decision),
        {
            "action": "appeal",
            "appeal_id": appeal.pk,
            f"{prefix}-outcome": outcome,
            f"{prefix}-response": response,
        },
    )


def test_reversing_a_hide_restores_the_content(moderator, hidden, comment):
    appeal = _appeal(hidden)

    response = _decide(moderator, appeal, "reverse", "Je hebt gelijk.")

    assert response.status_code == 302
    assert Comment.objects.filter(pk=comment.pk).exists()
    appeal.refresh_from_db()
    assert (appeal.status, appeal.response, appeal.decided_by) == (
        AppealStatus.REVERSED,
        "Je hebt gelijk.",
        moderator,
    )
    event = AuditEvent.objects.get(action="moderation.appeal_decided")
    assert event.before == {"appeal": "open", "moderation_state": "hidden"}
    assert event.after == {"appeal": "reversed", "moderation_state": "visible"}
    # Decided: it leaves the queue.
    assert 'data-testid="queue-row"' not in signed_in_client(moderator).get(QUEUE).content.decode()


def test_upholding_keeps_the_decision(moderator, hidden, comment):
    appeal = _appeal(hidden)

    _decide(moderator, appeal, "uphold", "Het blijft verborgen.")

    assert not Comment.objects.filter(pk=comment.pk).exists()
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.UPHELD
    assert AuditEvent.objects.filter(action="moderation.appeal_decided").count() == 1


def test_deciding_an_appeal_needs_an_answer(moderator, hidden):
    appeal = _appeal(hidden)

    response = _decide(moderator, appeal, "reverse", "")

    assert response.status_code == 400
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.OPEN


def test_reversing_a_suspension_lifts_it(moderator, comment):
    decision = moderate(Suspend, comment, moderator=moderator, reason="Toon.", days=30).decision

    result = AppealDecide(moderator, _appeal(decision), outcome="reverse", response="Ok.").execute()

    assert result.ok
    comment.author.refresh_from_db()
    assert comment.author.suspended_until is None


def test_reversing_a_ban_reactivates_the_account(moderator, comment):
    decision = moderate(Ban, comment, moderator=moderator, reason="Spam.").decision

    AppealDecide(moderator, _appeal(decision), outcome="reverse", response="Fout.").execute()

    comment.author.refresh_from_db()
    assert comment.author.is_active


def test_reversing_an_edit_puts_the_text_back(moderator, comment):
    decision = moderate(
        EditWithNote, comment, moderator=moderator, reason="Ingekort.", fields={"body": "Kort."}
    ).decision

    AppealDecide(moderator, _appeal(decision), outcome="reverse", response="Ok.").execute()

    comment.refresh_from_db()
    assert comment.body == "Mijn **reactie** hier."


def test_reversing_a_warning_withdraws_it(moderator, comment):
    decision = moderate(Warn, comment, moderator=moderator, reason="Let op.").decision

    result = AppealDecide(moderator, _appeal(decision), outcome="reverse", response="Ok.").execute()

    assert result.ok
    assert Appeal.objects.get().status == AppealStatus.REVERSED


def test_the_author_cannot_decide_their_own_appeal():
    """Even a moderator whose own contribution was moderated by someone else (staff)."""
    author = make_moderator()
    question = make_question(author=UserFactory())
    comment = make_comment(target=question, author=author, body="Van een moderator.")
    decision = moderate(Warn, comment, moderator=UserFactory(is_staff=True), reason="Let op.")
    appeal = _appeal(decision.decision)

    assert _decide(author, appeal, "reverse").status_code == 403
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.OPEN


def test_platform_moderators_cannot_decide_appeals_on_confidential_content(moderator):
    facilitator = UserFactory()
    community = make_community(facilitator=facilitator, visibility="confidential")
    member = UserFactory()
    add_member(community, member)
    experience = make_experience(instrument=InstrumentFactory(), author=member, community=community)
    decision = moderate(Hide, experience, moderator=facilitator, reason="Namen.").decision
    appeal = _appeal(decision)

    assert _decide(moderator, appeal, "reverse").status_code == 404
    assert 'data-testid="queue-row"' not in signed_in_client(moderator).get(QUEUE).content.decode()
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.OPEN
    assert experience.__class__.all_objects.get(pk=experience.pk).moderation_state == (
        ModerationState.HIDDEN
    )
