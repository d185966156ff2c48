"""The moderation queue and the case page: who may see what (from the outsider's side),
sorting and filters, the content in context, actions through the page, and hidden content
leaving every public path while moderators can still reach it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory, signed_in_client
from comments.models import Comment
from comments.tests.factories import make_comment
from communities.tests.factories import add_member, make_community
from experiences.models import Experience
from experiences.tests.factories import make_experience
from instruments.tests.factories import InstrumentFactory
from moderation.actions import Hide, Restore
from moderation.constants import CaseStatus, ModerationState
from moderation.models import Case, Decision
from moderation.tests.factories import make_moderator, make_report, moderate
from notifications.selectors import notifications_for, unread_count
from questions.tests.factories import make_answer, make_question

pytestmark = pytest.mark.django_db

QUEUE = reverse("moderation:queue")


@pytest.fixture
def moderator():
    return make_moderator(name="Mo Moderator")


@pytest.fixture
def moderator_client(moderator):
    return signed_in_client(moderator)


@pytest.fixture
def question():
    return make_question(author=UserFactory(), title="Wie kent een goede startbijeenkomst?")


@pytest.fixture
def reported_comment(question):
    comment = make_comment(
        target=question,
        author=UserFactory(),
        body="Koop nu <script>alert('x')</script> **goedkope** pillen",
    )
    make_report(comment, reason="spam", note="Reclame voor pillen")
    return comment


@pytest.fixture
def confidential():
    """A confidential community with a reported experience: only its facilitator moderates."""
    facilitator = UserFactory(name="Fien Facilitator")
    community = make_community(facilitator=facilitator, visibility="confidential")
    member = UserFactory()
    add_member(community, member)
    experience = make_experience(
        instrument=InstrumentFactory(),
        author=member,
        community=community,
        what_was_done="Geheimwoord bijeenkomst met de wethouder.",
    )
    reporter = UserFactory()
    add_member(community, reporter)
    make_report(experience, reporter=reporter, reason="privacy")
    return facilitator, community, experience


def _case_url(obj) -> str:
    case = Case.objects.get(object_id=obj.pk, kind=obj.__class__.__name__.lower())
    return reverse("moderation:case", kwargs={"case_id": case.pk})


# Who may see the queue -------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(QUEUE)

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_people_who_moderate_nothing_get_403(outsider_client, reported_comment):
    assert outsider_client.get(QUEUE).status_code == 403


def test_a_platform_moderator_sees_public_cases_but_not_confidential_ones(
    moderator_client, reported_comment, confidential
):
    response = moderator_client.get(QUEUE)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Koop nu" in body
    assert "Geheimwoord" not in body
    assert confidential[1].name not in body


def test_a_facilitator_sees_only_their_communitys_cases(reported_comment, confidential):
    facilitator, community, _experience = confidential

    body = signed_in_client(facilitator).get(QUEUE).content.decode()

    assert "Geheimwoord" in body
    assert community.name in body
    assert "Koop nu" not in body


def test_a_facilitator_of_another_community_sees_an_empty_queue(confidential):
    other = UserFactory()
    make_community(facilitator=other, visibility="members")

    response = signed_in_client(other).get(QUEUE)

    assert response.status_code == 200
    assert "Geheimwoord" not in response.content.decode()
    assert b'data-testid="queue-empty"' in response.content


# Sorting and filters ---------------------------------------------------------------------


@pytest.fixture
def mixed_queue(question):
    """An older item with three reports, a newer one with one, and a held contribution."""
    much = make_comment(target=question, author=UserFactory(), body="Veelgemeld bericht")
    for _ in range(3):
        make_report(much)
    little = make_comment(target=question, author=UserFactory(), body="Eenmaalgemeld bericht")
    make_report(little)
    held = make_experience(
        instrument=InstrumentFactory(),
        author=UserFactory(trusted_at=None),
        what_was_done="Wachtendbericht van een nieuwkomer.",
    )
    return much, little, held


def _order(body: str, *words: str) -> list[str]:
    return sorted(words, key=body.index)


def test_the_queue_sorts_newest_first_or_most_reported_first(moderator_client, mixed_queue):
    newest = moderator_client.get(QUEUE).content.decode()
    most = moderator_client.get(QUEUE, {"sort": "most_reported"}).content.decode()

    assert _order(newest, "Veelgemeld", "Eenmaalgemeld", "Wachtendbericht") == [
        "Wachtendbericht",
        "Eenmaalgemeld",
        "Veelgemeld",
    ]
    assert _order(most, "Veelgemeld", "Eenmaalgemeld", "Wachtendbericht") == [
        "Veelgemeld",
        "Eenmaalgemeld",
        "Wachtendbericht",
    ]


@pytest.mark.parametrize(
    ("show", "present", "absent"),
    [
        ("reported", {"Veelgemeld", "Eenmaalgemeld"}, {"Wachtendbericht"}),
        ("held", {"Wachtendbericht"}, {"Veelgemeld", "Eenmaalgemeld"}),
        ("appeals", set(), {"Veelgemeld", "Eenmaalgemeld", "Wachtendbericht"}),
    ],
)
def test_the_queue_filters_reported_held_and_appeals(
    moderator_client, mixed_queue, show, present, absent
):
    body = moderator_client.get(QUEUE, {"show": show}).content.decode()

    assert all(word in body for word in present)
    assert not any(word in body for word in absent)


def test_the_queue_is_an_accessible_table(moderator_client, mixed_queue):
    body = moderator_client.get("/en" + QUEUE).content.decode()

    assert "<caption" in body
    assert '<th scope="col">' in body and '<th scope="row">' in body
    assert body.count("<h1") == 1
    assert "Held for review" in body and "Reported" in body


def _make_cases(count: int, question) -> None:
    for _ in range(count):
        make_report(make_comment(target=question, author=UserFactory()))


@pytest.mark.parametrize("count", [2, 10])
def test_the_queue_query_count_does_not_grow_with_cases(
    moderator_client, question, count, django_assert_num_queries
):
    _make_cases(count, question)
    # session, user, the two-factor check for moderators, open cases (with community),
    # open appeals, the comments on the page (one query per kind), and the header's
    # unread-notification count.
    with django_assert_num_queries(7):
        response = moderator_client.get(QUEUE)
    assert response.content.decode().count('data-testid="queue-row"') == count


# The case page ---------------------------------------------------------------------------


def test_the_case_page_shows_the_content_safely_in_context_with_its_reports(
    moderator_client, reported_comment, question
):
    response = moderator_client.get(_case_url(reported_comment))

    assert response.status_code == 200
    body = response.content.decode()
    assert "<script>alert" not in body
    assert "<strong>goedkope</strong>" in body
    assert question.title in body  # the item the comment is on
    assert "Reclame voor pillen" in body  # the reporter's note
    assert 'data-testid="action-hide"' in body and 'data-testid="action-ban"' in body


@pytest.mark.parametrize("who", ["outsider", "other_facilitator", "platform_moderator"])
def test_outsiders_cannot_see_or_act_on_a_confidential_case(confidential, outsider, who):
    _facilitator, _community, experience = confidential
    other = UserFactory()
    make_community(facilitator=other, visibility="members")
    user = {"outsider": outsider, "other_facilitator": other, "platform_moderator": None}[who]
    user = user or make_moderator()
    client = signed_in_client(user)
    url = _case_url(experience)

    assert client.get(url).status_code == 404
    response = client.post(url, {"action": "hide", "hide-reason": "Weg ermee."})

    assert response.status_code == 404
    assert Experience.objects.filter(pk=experience.pk).exists()
    assert not Decision.objects.exists()


def test_anonymous_visitors_cannot_act_on_a_case(client, reported_comment):
    response = client.post(_case_url(reported_comment), {"action": "hide", "hide-reason": "x"})

    assert response.status_code == 302
    assert Comment.objects.filter(pk=reported_comment.pk).exists()


def test_hiding_through_the_case_page_needs_a_reason(moderator_client, reported_comment):
    url = _case_url(reported_comment)

    response = moderator_client.post(url, {"action": "hide", "hide-reason": ""})

    assert response.status_code == 400
    assert b"error-summary" in response.content
    assert Comment.objects.filter(pk=reported_comment.pk).exists()

    response = moderator_client.post(
        url, {"action": "hide", "hide-reason": "Reclame."}, follow=True
    )

    assert response.status_code == 200
    assert not Comment.objects.filter(pk=reported_comment.pk).exists()
    assert Case.objects.get().status == CaseStatus.CLOSED
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1


def test_suspending_through_the_case_page_takes_days(moderator_client, reported_comment):
    url = _case_url(reported_comment)

    response = moderator_client.post(
        url, {"action": "suspend", "suspend-reason": "Herhaald.", "suspend-days": "400"}
    )
    assert response.status_code == 400
    reported_comment.author.refresh_from_db()
    assert reported_comment.author.suspended_until is None

    moderator_client.post(
        url, {"action": "suspend", "suspend-reason": "Herhaald.", "suspend-days": "3"}
    )
    reported_comment.author.refresh_from_db()
    assert reported_comment.author.suspended_until is not None


def test_editing_through_the_case_page_changes_the_text(moderator_client, reported_comment):
    response = moderator_client.post(
        _case_url(reported_comment),
        {"action": "edit", "edit-field_body": "Opgeschoond.", "edit-reason": "Link weg."},
    )

    assert response.status_code == 302
    reported_comment.refresh_from_db()
    assert reported_comment.body == "Opgeschoond."


def test_a_moderator_cannot_act_on_their_own_contribution(moderator, question):
    own = make_comment(target=question, author=moderator)
    make_report(own)
    client = signed_in_client(moderator)

    page = client.get(_case_url(own)).content.decode()
    response = client.post(_case_url(own), {"action": "hide", "hide-reason": "Zelf."})

    assert 'data-testid="action-hide"' not in page
    assert response.status_code == 403
    assert Comment.objects.filter(pk=own.pk).exists()


# Hidden content leaves every public path -------------------------------------------------


def _paths(experience) -> dict[str, str]:
    slug = experience.instrument.slug
    return {
        "page": reverse("experiences:detail", kwargs={"experience_id": experience.pk}),
        "list": reverse("experiences:list"),
        "api list": "/api/v1/experiences",
        "api detail": f"/api/v1/experiences/{experience.pk}",
        "search": reverse("search:search") + "?q=zeppelinwerkvorm",
        "feed": reverse("feeds:instrument_experiences", kwargs={"slug": slug}),
    }


def _shows(client, url: str, experience) -> bool:
    """The experience is on the page: its text, or (on the search page, which repeats the
    query) a link to it."""
    response = client.get(url)
    if response.status_code != 200:
        return False
    body = response.content.decode()
    if url.startswith(reverse("search:search")):
        return experience.get_absolute_url() in body
    return "zeppelinwerkvorm" in body


def test_hidden_content_disappears_everywhere_but_stays_with_moderators(
    client, outsider_client, moderator, moderator_client
):
    experience = make_experience(
        instrument=InstrumentFactory(),
        author=UserFactory(),
        what_was_done="We speelden de zeppelinwerkvorm met twintig mensen.",
    )
    make_report(experience)
    paths = _paths(experience)
    readers = {"anonymous": client, "outsider": outsider_client, "moderator": moderator_client}
    assert all(_shows(c, url, experience) for c in readers.values() for url in paths.values())
    case_url = _case_url(experience)

    moderate(Hide, Case.objects.get(), moderator=moderator, reason="Auteursrecht.")

    shown = {(who, name) for who, c in readers.items() for name, url in paths.items()}
    shown = {(who, name) for who, name in shown if _shows(readers[who], paths[name], experience)}
    assert shown == set()
    case_page = moderator_client.get(case_url).content.decode()
    assert "zeppelinwerkvorm" in case_page
    assert 'data-testid="action-restore"' in case_page
    hidden_queue = moderator_client.get(QUEUE, {"show": "hidden"}).content.decode()
    assert case_url in hidden_queue

    moderate(Restore, Experience.all_objects.get(pk=experience.pk), moderator=moderator)

    assert all(_shows(c, url, experience) for c in readers.values() for url in paths.values())
    assert Experience.objects.get(pk=experience.pk).moderation_state == ModerationState.VISIBLE
    hidden_queue = moderator_client.get(QUEUE, {"show": "hidden"}).content.decode()
    assert 'data-testid="queue-empty"' in hidden_queue


def test_a_hidden_answer_leaves_the_askers_notifications(moderator):
    asker, answerer = UserFactory(), UserFactory()
    question = make_question(author=asker, title="Wie heeft een werkvorm voor een buurtavond?")
    answer = make_answer(question=question, author=answerer, body="Probeer de zeppelinmethode.")
    assert [n.answer_id for n in notifications_for(asker)] == [answer.pk]

    moderate(Hide, answer, moderator=moderator, reason="Reclame.")

    assert [n.kind for n in notifications_for(asker)] == []
    assert unread_count(asker) == 0
