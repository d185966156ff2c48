"""Trust: a new account's first contributions wait for review, invisible to everyone but
their author (who sees them marked); approval releases them with their notifications;
reporters' weight follows their record; links of new accounts get ``rel="nofollow ugc"``.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory, signed_in_client
from api.tests.conftest import ApiClient, token_for
from comments.tests.factories import make_comment
from communities.tests.factories import add_member, make_community
from experiences.models import Experience
from experiences.tests.factories import make_experience
from instruments.tests.factories import InstrumentFactory
from journal.tests.factories import make_entry
from lib.markdown import render_markdown
from moderation.constants import ModerationState, ReportOutcome, ReportReason
from moderation.models import Case
from moderation.services import report_create, reporter_weight, settle_reports, suspension_end
from moderation.tests.factories import approve
from notifications.models import Notification
from notifications.services import follow_create
from questions.tests.factories import make_answer, make_question
from search.selectors import search

pytestmark = pytest.mark.django_db

PENDING_BADGE = b'data-testid="pending-badge"'


@pytest.fixture
def newcomer(db):
    return UserFactory(name="Nina Nieuw", trusted_at=None)


@pytest.fixture
def moderator(db):
    return UserFactory(is_moderator=True)


@pytest.fixture
def instrument(provider):
    return InstrumentFactory(owner=provider, title="Ronde tafel")


# Held, and invisible to others ---------------------------------------------------------


def test_a_new_accounts_first_two_contributions_are_held(newcomer, instrument, settings):
    settings.MODERATION_HOLD_FIRST_POSTS = 2
    experience = make_experience(instrument=instrument, author=newcomer)
    question = make_question(author=newcomer)
    assert experience.moderation_state == ModerationState.PENDING
    assert question.moderation_state == ModerationState.PENDING
    held = Case.objects.filter(is_held=True).values_list("kind", "object_id", "author_id")
    assert set(held) == {
        ("experience", experience.pk, newcomer.pk),
        ("question", question.pk, newcomer.pk),
    }


def test_nobody_else_sees_a_held_experience_anywhere(newcomer, instrument, outsider, provider):
    follow_create(user=provider, target=instrument)
    experience = make_experience(
        instrument=instrument, author=newcomer, what_was_done="Wij speelden zeppelinspel."
    )
    others = {"anonymous": Client(), "outsider": signed_in_client(outsider)}
    for name, client in others.items():
        assert client.get(experience.get_absolute_url()).status_code == 404, name
        listing = client.get(reverse("experiences:list")).content
        assert experience.get_absolute_url().encode() not in listing, name
        page = client.get(instrument.get_absolute_url()).content
        assert b"zeppelinspel" not in page, name
    feed = Client().get(reverse("feeds:instrument_experiences", args=[instrument.slug]))
    assert b"zeppelinspel" not in feed.content
    api = ApiClient(token_for(outsider))
    assert api.get(f"/experiences/{experience.pk}").status_code == 404
    assert experience.pk not in [e["id"] for e in api.get("/experiences").json()["items"]]
    for user in (AnonymousUser(), outsider):
        assert ("experience", experience.pk) not in _found(user, "zeppelinspel")
    assert not Notification.objects.exists()
    # The same search finds it once it is released (the check above is not vacuous).
    approve(experience, moderator=UserFactory(is_moderator=True))
    assert ("experience", experience.pk) in _found(outsider, "zeppelinspel")


def _found(user, query: str) -> set[tuple[str, int]]:
    results = search(user=user, query=query, mode="bm25").results
    return {(result.kind, result.object_id) for result in results}


def test_the_author_sees_their_held_experience_marked(newcomer, instrument):
    experience = make_experience(instrument=instrument, author=newcomer)
    response = signed_in_client(newcomer).get("/en" + experience.get_absolute_url())
    assert response.status_code == 200
    assert PENDING_BADGE in response.content
    assert b"Pending review" in response.content
    assert b"Only you can see this until a moderator has reviewed it." in response.content


def test_a_held_question_and_answer_are_seen_by_their_author_only(newcomer, provider, outsider):
    question = make_question(author=provider)
    answer = make_answer(question=question, author=newcomer, body="Mijn wachtend antwoord")
    own_question = make_question(author=newcomer, title="Wachtende vraag over zeppelins")
    asker = signed_in_client(provider)
    page = asker.get(question.get_absolute_url())
    assert b"Mijn wachtend antwoord" not in page.content
    assert page.context["answers"] == []
    listing = asker.get(reverse("questions:list"))
    shown = {q.pk: q for q in listing.context["page"].object_list}
    assert shown[question.pk].answer_count == 0
    assert own_question.pk not in shown
    assert signed_in_client(outsider).get(own_question.get_absolute_url()).status_code == 404
    assert not Notification.objects.filter(recipient=provider).exists()
    api_question = ApiClient(token_for(provider)).get(f"/questions/{question.pk}").json()
    assert (api_question["answers"], api_question["answer_count"]) == ([], 0)
    own_api = ApiClient(token_for(newcomer)).get(f"/questions/{question.pk}").json()
    assert [(a["id"], a["moderation_state"]) for a in own_api["answers"]] == [
        (answer.pk, ModerationState.PENDING)
    ]

    author = signed_in_client(newcomer)
    own_answer_page = author.get(question.get_absolute_url())
    assert b"Mijn wachtend antwoord" in own_answer_page.content
    assert PENDING_BADGE in own_answer_page.content
    assert [a.pk for a in own_answer_page.context["answers"]] == [answer.pk]
    own_page = author.get(own_question.get_absolute_url())
    assert own_page.status_code == 200
    assert PENDING_BADGE in own_page.content
    # Nobody comments on a question only its author can see.
    assert own_page.context["comment_thread"].can_post is False


def test_a_held_comment_is_marked_for_its_author_and_missing_for_others(
    newcomer, instrument, outsider
):
    comment = make_comment(target=instrument, author=newcomer, body="Wachtende reactie")
    reply = make_comment(
        target=instrument, author=newcomer, body="Wachtend antwoord", parent=comment
    )
    assert reply.is_pending
    other = signed_in_client(outsider).get(instrument.get_absolute_url())
    assert b"Wachtende reactie" not in other.content
    assert other.context["comment_thread"].count == 0
    own = signed_in_client(newcomer).get(instrument.get_absolute_url())
    assert b"Wachtende reactie" in own.content and b"Wachtend antwoord" in own.content
    assert own.content.count(PENDING_BADGE) == 2


def test_a_held_journal_entry_is_invisible_to_other_members(newcomer, provider):
    community = make_community(facilitator=provider, visibility="members")
    add_member(community, newcomer)
    follow_create(user=provider, target=community)
    entry = make_entry(community=community, author=newcomer, title="Wachtend verslag")
    assert entry.is_pending
    assert signed_in_client(provider).get(entry.get_absolute_url()).status_code == 404
    timeline = signed_in_client(provider).get(reverse("journal:timeline", args=[community.slug]))
    assert b"Wachtend verslag" not in timeline.content
    own = signed_in_client(newcomer).get(entry.get_absolute_url())
    assert own.status_code == 200 and PENDING_BADGE in own.content
    assert not Notification.objects.exists()


def test_the_api_answers_the_author_with_their_held_contribution(newcomer, instrument):
    api = ApiClient(token_for(newcomer))
    created = api.post(
        "/experiences",
        {"instrument": instrument.slug, "what_was_done": "Via de API", "rating": 4},
    )
    assert created.status_code == 201, created.content
    assert created.json()["moderation_state"] == ModerationState.PENDING
    asked = api.post("/questions", {"title": "Een vraag via de API"})
    assert asked.status_code == 201, asked.content
    assert asked.json()["moderation_state"] == ModerationState.PENDING
    other = ApiClient(token_for(UserFactory()))
    assert other.get(f"/questions/{asked.json()['id']}").status_code == 404
    assert other.get(f"/experiences/{created.json()['id']}").status_code == 404


# Released ------------------------------------------------------------------------------


def test_approval_releases_a_held_item_and_sends_its_notifications(
    newcomer, instrument, provider, outsider, moderator
):
    follow_create(user=provider, target=instrument)
    experience = make_experience(instrument=instrument, author=newcomer)
    assert not Notification.objects.exists()
    approve(experience, moderator=moderator)
    experience.refresh_from_db()
    assert experience.moderation_state == ModerationState.VISIBLE
    assert signed_in_client(outsider).get(experience.get_absolute_url()).status_code == 200
    assert Notification.objects.filter(recipient=provider, experience=experience).count() == 1
    newcomer.refresh_from_db()
    assert newcomer.trusted_at is None  # one of two approved


def test_a_released_answer_notifies_the_asker_and_a_released_question_is_followed(
    newcomer, provider, moderator
):
    question = make_question(author=provider)
    answer = make_answer(question=question, author=newcomer)
    own_question = make_question(author=newcomer)
    approve(answer, moderator=moderator)
    assert Notification.objects.filter(recipient=provider, answer=answer).count() == 1
    approve(own_question, moderator=moderator)
    assert newcomer.follows.filter(question=own_question).exists()


def test_after_two_approvals_the_account_is_trusted_and_posts_at_once(
    newcomer, instrument, outsider, moderator
):
    first = make_experience(instrument=instrument, author=newcomer)
    second = make_question(author=newcomer)
    approve(first, moderator=moderator)
    approve(second, moderator=moderator)
    newcomer.refresh_from_db()
    assert newcomer.trusted_at is not None
    third = make_experience(instrument=instrument, author=newcomer)
    assert third.moderation_state == ModerationState.VISIBLE
    assert signed_in_client(outsider).get(third.get_absolute_url()).status_code == 200
    assert not Case.objects.filter(object_id=third.pk, kind="experience").exists()


def test_the_number_of_held_posts_is_a_setting(newcomer, instrument, settings):
    settings.MODERATION_HOLD_FIRST_POSTS = 0
    assert make_experience(instrument=instrument, author=newcomer).is_pending is False


def test_an_established_account_posts_visibly_at_once(outsider, instrument):
    comment = make_comment(target=instrument, author=outsider)
    assert comment.moderation_state == ModerationState.VISIBLE
    assert not Case.objects.exists()


# Suspended and banned accounts -----------------------------------------------------------


@pytest.mark.parametrize("state", ["suspended", "banned"])
def test_suspended_and_banned_accounts_cannot_post(state, outsider, provider, instrument):
    if state == "suspended":
        outsider.suspended_until = suspension_end(7)
    else:
        outsider.is_active = False
    outsider.save()
    community = make_community(facilitator=provider)
    add_member(community, outsider)
    question = make_question(author=provider)
    attempts = [
        lambda: make_experience(instrument=instrument, author=outsider),
        lambda: make_comment(target=instrument, author=outsider),
        lambda: make_question(author=outsider),
        lambda: make_answer(question=question, author=outsider),
        lambda: make_entry(community=community, author=outsider),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    assert not Experience.all_objects.filter(author=outsider).exists()


def test_a_suspended_account_gets_the_message_on_the_page(outsider, outsider_client):
    outsider.suspended_until = suspension_end(7)
    outsider.save(update_fields=["suspended_until"])
    response = outsider_client.post("/en" + reverse("questions:create"), {"title": "Mag dit?"})
    assert response.status_code == 403
    assert b"Your account is suspended until" in response.content


# Reporter weight (Discourse's model) ---------------------------------------------------


def test_upheld_reporters_weigh_more_and_dismissed_ones_less(provider):
    question = make_question(author=provider)
    accurate = UserFactory(reports_upheld=4, reports_dismissed=0)
    careless = UserFactory(reports_upheld=0, reports_dismissed=5)
    fresh = UserFactory()
    weights = {}
    for reporter in (accurate, careless, fresh):
        report, _created = report_create(reporter=reporter, obj=question, reason=ReportReason.SPAM)
        weights[reporter.pk] = report.weight
    assert weights[accurate.pk] > weights[fresh.pk] > weights[careless.pk]
    assert (weights[accurate.pk], weights[fresh.pk], weights[careless.pk]) == (3.0, 1.0, 0.25)
    case = Case.objects.get()
    assert case.report_score == pytest.approx(sum(weights.values()))
    assert case.report_count == 3


def test_settled_reports_change_the_weight_of_the_next_report(provider):
    reporter = UserFactory()
    for _round in range(3):
        question = make_question(author=provider)
        report, _created = report_create(reporter=reporter, obj=question, reason=ReportReason.SPAM)
        assert report.weight == 1.0
        settle_reports(report.case, upheld=False)
        report.refresh_from_db()
        assert report.outcome == ReportOutcome.DISMISSED
    reporter.refresh_from_db()
    assert reporter_weight(reporter) == 0.25
    next_report, _created = report_create(
        reporter=reporter, obj=make_question(author=provider), reason=ReportReason.SPAM
    )
    assert next_report.weight == 0.25
    assert next_report.case.report_score == 0.25


# Links of new accounts -------------------------------------------------------------------


def test_links_of_untrusted_authors_get_nofollow_ugc(newcomer, outsider, instrument):
    body = "Zie [onze site](https://example.org/spam)."
    assert 'rel="nofollow noopener"' in render_markdown(body)
    assert 'rel="nofollow ugc noopener"' in render_markdown(body, trusted=False)
    make_comment(target=instrument, author=outsider, body=body)
    make_comment(target=instrument, author=newcomer, body=body)
    page = signed_in_client(newcomer).get(instrument.get_absolute_url()).content.decode()
    assert page.count('href="https://example.org/spam" rel="nofollow noopener"') == 1
    assert page.count('href="https://example.org/spam" rel="nofollow ugc noopener"') == 1


def test_question_answer_and_journal_links_follow_the_author_trust(newcomer, provider):
    body = "[link](https://example.org/x)"
    question = make_question(author=newcomer, body=body)
    make_answer(question=question, author=newcomer, body=body)
    page = signed_in_client(newcomer).get(question.get_absolute_url()).content.decode()
    assert page.count('rel="nofollow ugc noopener"') == 2
    community = make_community(facilitator=provider)
    entry = make_entry(community=community, author=provider, text=body)
    page = Client().get(entry.get_absolute_url()).content.decode()
    assert 'href="https://example.org/x" rel="nofollow noopener"' in page
