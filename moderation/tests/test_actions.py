"""Each moderator action validates, executes in one transaction and returns a result, and
leaves a Decision for the author and an audit event; refused actions change nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.tests.factories import UserFactory
from audit.models import AuditEvent
from comments.models import Comment
from comments.tests.factories import make_comment
from communities.tests.factories import add_member, make_community
from experiences.models import Experience
from experiences.tests.factories import make_experience
from harvest.models import DeletedRecord
from instruments.models import Instrument
from instruments.tests.factories import InstrumentFactory
from moderation import services
from moderation.actions import (
    Approve,
    Ban,
    Dismiss,
    EditWithNote,
    Hide,
    Restore,
    Suspend,
    Warn,
)
from moderation.constants import ActionKind, CaseStatus, ModerationState, ReportOutcome
from moderation.models import Case, Decision
from moderation.tests.factories import make_moderator, make_report, moderate
from notifications.models import NotificationKind
from notifications.selectors import notifications_for
from questions.tests.factories import make_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator():
    return make_moderator(name="Mo Moderator")


@pytest.fixture
def author():
    return UserFactory(name="Auke Auteur")


@pytest.fixture
def question(author):
    return make_question(author=author, title="Hoe begin je een community?")


@pytest.fixture
def comment(question):
    return make_comment(target=question, author=UserFactory(), body="Dit is **spam**.")


def _events(action: str):
    return list(AuditEvent.objects.filter(action=action))


def _assert_nothing_written():
    assert not Decision.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="moderation.").exists()


# Hide, restore, dismiss ------------------------------------------------------------------


def test_hide_hides_the_item_upholds_the_reports_and_closes_the_case(moderator, comment):
    reporter = UserFactory()
    make_report(comment, reporter=reporter)
    case = Case.objects.get()

    result = Hide(moderator, case, reason="Reclame.").execute()

    assert result.ok
    comment = Comment.all_objects.get(pk=comment.pk)
    assert comment.moderation_state == ModerationState.HIDDEN
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.reports.get().outcome == ReportOutcome.UPHELD
    reporter.refresh_from_db()
    assert reporter.reports_upheld == 1
    decision = result.decision
    assert (decision.action, decision.reason, decision.author) == (
        ActionKind.HIDE,
        "Reclame.",
        comment.author,
    )
    assert decision.moderator == moderator and decision.case == case
    (event,) = _events("moderation.hide")
    assert event.actor_id == moderator.pk
    assert event.target_id == str(comment.pk)
    assert event.before == {"moderation_state": "visible"}
    assert event.after == {"moderation_state": "hidden"}


def test_hide_needs_a_reason_and_refuses_what_is_hidden_already(moderator, comment):
    result = Hide(moderator, comment, reason="  ").execute()

    assert not result.ok
    assert Comment.objects.filter(pk=comment.pk).exists()
    _assert_nothing_written()

    moderate(Hide, comment, moderator=moderator, reason="Reclame.")
    again = Hide(moderator, Comment.all_objects.get(pk=comment.pk), reason="Nog eens.").execute()
    assert not again.ok
    assert Decision.objects.count() == 1


def test_an_action_without_a_case_still_routes_its_decision(moderator, comment):
    result = moderate(Hide, comment, moderator=moderator, reason="Ongepast.")

    assert result.decision.case.status == CaseStatus.CLOSED
    assert result.decision.case.object_id == comment.pk


def test_hiding_a_profile_sets_the_accounts_moderation_state(moderator, author):
    moderate(Hide, author, moderator=moderator, reason="Beledigende naam.")

    author.refresh_from_db()
    assert author.moderation_state == ModerationState.HIDDEN


def test_restore_brings_hidden_content_back_and_refuses_visible_content(moderator, comment):
    refused = Restore(moderator, comment).execute()
    assert not refused.ok and refused.message
    _assert_nothing_written()

    moderate(Hide, comment, moderator=moderator, reason="Reclame.")
    result = Restore(moderator, Comment.all_objects.get(pk=comment.pk)).execute()

    assert result.ok
    assert Comment.objects.filter(pk=comment.pk).exists()
    assert result.decision.action == ActionKind.RESTORE
    (event,) = _events("moderation.restore")
    assert event.after == {"moderation_state": "visible"}


def test_dismiss_settles_the_reports_and_keeps_the_content(moderator, comment):
    reporter = UserFactory()
    make_report(comment, reporter=reporter)
    case = Case.objects.get()

    result = Dismiss(moderator, case).execute()

    assert result.ok
    assert Comment.objects.filter(pk=comment.pk).exists()
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.reports.get().outcome == ReportOutcome.DISMISSED
    reporter.refresh_from_db()
    assert reporter.reports_dismissed == 1
    assert result.decision.action == ActionKind.DISMISS
    assert len(_events("moderation.dismiss")) == 1
    # Nothing happened to the author's content: no notification about reports.
    assert not notifications_for(comment.author).exists()


def test_dismiss_needs_open_reports(moderator, comment):
    result = Dismiss(moderator, comment).execute()

    assert not result.ok
    _assert_nothing_written()


# Approve ---------------------------------------------------------------------------------


def test_approve_releases_a_held_contribution(moderator):
    newcomer = UserFactory(trusted_at=None)
    held = make_experience(instrument=InstrumentFactory(), author=newcomer)
    assert held.is_pending
    case = Case.objects.get(is_held=True)

    result = Approve(moderator, case).execute()

    assert result.ok
    assert Experience.objects.filter(pk=held.pk).exists()
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert result.decision.action == ActionKind.APPROVE
    (event,) = _events("moderation.approve")
    assert event.before == {"moderation_state": "pending"}
    assert event.after == {"moderation_state": "visible"}


def test_approve_refuses_what_is_not_held(moderator, question):
    result = Approve(moderator, question).execute()

    assert not result.ok
    _assert_nothing_written()


# Edit with a note ------------------------------------------------------------------------


def test_edit_with_note_changes_only_editable_fields_and_records_both_texts(moderator, comment):
    make_report(comment)
    original = comment.body

    result = EditWithNote(
        moderator, comment, reason="Link verwijderd.", fields={"body": "Dit is een reactie."}
    ).execute()

    assert result.ok
    comment.refresh_from_db()
    assert comment.body == "Dit is een reactie."
    assert result.decision.reason == "Link verwijderd."
    (event,) = _events("moderation.edit")
    assert event.before == {"body": original}
    assert event.after == {"body": "Dit is een reactie."}
    assert Case.objects.get().status == CaseStatus.CLOSED


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"body": "Nieuw."}, ""),  # no note for the author
        ({"author": 1}, "Note."),  # not an editable field
        ({"body": "Dit is **spam**."}, "Note."),  # nothing changed
        ({"body": "x" * 5001}, "Note."),  # longer than the field allows
    ],
)
def test_edit_with_note_refuses_bad_input(moderator, comment, fields, reason):
    result = EditWithNote(moderator, comment, reason=reason, fields=fields).execute()

    assert not result.ok and result.message
    comment.refresh_from_db()
    assert comment.body == "Dit is **spam**."
    _assert_nothing_written()


# Warn, suspend, ban ----------------------------------------------------------------------


def test_warn_writes_a_decision_for_the_author_and_leaves_the_content(moderator, comment):
    result = Warn(moderator, comment, reason="Let op je toon.").execute()

    assert result.ok
    assert Comment.objects.filter(pk=comment.pk).exists()
    assert result.decision.author == comment.author
    assert len(_events("moderation.warn")) == 1


def test_suspend_sets_the_end_and_stops_posting(moderator, comment):
    author = comment.author

    result = Suspend(moderator, comment, reason="Herhaald.", days=7).execute()

    assert result.ok
    author.refresh_from_db()
    expected = timezone.now() + datetime.timedelta(days=7)
    assert abs(author.suspended_until - expected) < datetime.timedelta(minutes=1)
    assert result.decision.suspended_until == author.suspended_until
    with pytest.raises(PermissionDenied):
        services.check_can_contribute(author)
    (event,) = _events("moderation.suspend")
    assert event.before == {"suspended_until": None}
    assert event.after["suspended_until"]


@pytest.mark.parametrize("days", [0, 366, None, "7", True])
def test_suspend_takes_one_to_365_days(moderator, comment, days):
    result = Suspend(moderator, comment, reason="Herhaald.", days=days).execute()

    assert not result.ok
    comment.author.refresh_from_db()
    assert comment.author.suspended_until is None
    _assert_nothing_written()


def test_ban_deactivates_the_account(moderator, comment):
    result = Ban(moderator, comment, reason="Spamaccount.").execute()

    assert result.ok
    comment.author.refresh_from_db()
    assert comment.author.is_active is False
    (event,) = _events("moderation.ban")
    assert (event.before, event.after) == ({"is_active": True}, {"is_active": False})


@pytest.mark.parametrize("action", [Warn, Suspend, Ban])
def test_staff_cannot_be_warned_suspended_or_banned(moderator, question, staff, action):
    staff_comment = make_comment(target=question, author=staff)

    result = action(moderator, staff_comment, reason="Nee.", days=3).execute()

    assert not result.ok
    staff.refresh_from_db()
    assert staff.is_active and staff.suspended_until is None
    _assert_nothing_written()


# Permission ------------------------------------------------------------------------------


@pytest.mark.parametrize("action", [Hide, Warn, Suspend, Ban])
def test_nobody_moderates_their_own_content(action, question):
    own = make_comment(target=question, author=make_moderator())

    with pytest.raises(PermissionDenied):
        action(own.author, own, reason="Zelf.", days=3).execute()
    assert Comment.objects.filter(pk=own.pk).exists()
    _assert_nothing_written()


@pytest.mark.parametrize("action", [Hide, Warn, Ban])
def test_an_outsider_cannot_act(outsider, comment, action):
    with pytest.raises(PermissionDenied):
        action(outsider, comment, reason="Weg ermee.").execute()
    assert Comment.objects.filter(pk=comment.pk).exists()
    _assert_nothing_written()


def test_platform_moderators_do_not_moderate_confidential_content(moderator):
    facilitator = UserFactory()
    community = make_community(facilitator=facilitator, visibility="confidential")
    member = UserFactory()
    add_member(community, member)
    experience = make_experience(instrument=InstrumentFactory(), author=member, community=community)

    with pytest.raises(PermissionDenied):
        Hide(moderator, experience, reason="Ik mag dit niet zien.").execute()
    assert Experience.objects.filter(pk=experience.pk).exists()

    # Its facilitator does.
    assert Hide(facilitator, experience, reason="Vertrouwelijke namen.").execute().ok
    assert not Experience.objects.filter(pk=experience.pk).exists()


def test_a_facilitator_of_another_community_cannot_act():
    community = make_community(facilitator=UserFactory(), visibility="members")
    member = UserFactory()
    add_member(community, member)
    experience = make_experience(instrument=InstrumentFactory(), author=member, community=community)
    other_facilitator = UserFactory()
    make_community(facilitator=other_facilitator, visibility="members")

    with pytest.raises(PermissionDenied):
        Hide(other_facilitator, experience, reason="Niet de mijne.").execute()
    assert Experience.objects.filter(pk=experience.pk).exists()
    _assert_nothing_written()


# The author hears of it ------------------------------------------------------------------


def test_the_author_is_notified_with_a_link_to_their_moderation_page(moderator, comment):
    result = moderate(Hide, comment, moderator=moderator, reason="Reclame.")

    (notification,) = notifications_for(comment.author)
    assert notification.kind == NotificationKind.MODERATION_DECISION
    assert notification.decision == result.decision
    assert notification.actor is None
    assert notification.content_url.endswith(f"/moderatie/mijn/#decision-{result.decision.pk}")
    # Nobody else sees it.
    assert not notifications_for(moderator).exists()


# OAI-PMH ---------------------------------------------------------------------------------


def test_a_hidden_instrument_gets_a_tombstone_and_loses_it_when_restored(
    moderator, provider, client
):
    instrument = InstrumentFactory(owner=provider, sectors=["energie"])
    identifier = f"oai:127.0.0.1:instrument:{instrument.slug}"
    url = f"/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier={identifier}"

    moderate(Hide, instrument, moderator=moderator, reason="Auteursrecht.")

    tombstone = DeletedRecord.objects.get(slug=instrument.slug)
    assert tombstone.set_spec_list == ["phase:starten", "sector:energie"]
    assert b'status="deleted"' in client.get(url).content

    moderate(Restore, Instrument.all_objects.get(pk=instrument.pk), moderator=moderator)

    assert not DeletedRecord.objects.exists()
    assert b'status="deleted"' not in client.get(url).content
