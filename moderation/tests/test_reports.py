"""Reporting: every kind can be reported by someone who can read it, reports of one item
merge, nobody reports their own work, and an item one may not read answers 404 exactly
like one that does not exist."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from comments.tests.factories import make_comment
from communities.tests.factories import add_member, make_community
from experiences.tests.factories import make_experience
from instruments.tests.factories import InstrumentFactory
from journal.tests.factories import make_entry
from moderation.constants import ReportReason
from moderation.models import Case, Report
from moderation.services import report_create, suspension_end
from questions.tests.factories import make_answer, make_question

pytestmark = pytest.mark.django_db


def _items(author) -> dict:
    """One item of every kind, all by ``author``, all public."""
    instrument = InstrumentFactory(owner=author)
    community = make_community(facilitator=author)
    question = make_question(author=author)
    return {
        "instrument": instrument,
        "experience": make_experience(instrument=instrument, author=author),
        "comment": make_comment(target=instrument, author=author),
        "journal_entry": make_entry(community=community, author=author),
        "question": question,
        "answer": make_answer(question=question, author=author),
        "profile": author,
    }


def _url(kind: str, obj) -> str:
    return reverse("reports:report", kwargs={"kind": kind, "object_id": obj.pk})


def _case(obj) -> Case:
    return Case.objects.get(object_id=obj.pk, kind=_kind_key(obj))


def _kind_key(obj) -> str:
    from moderation.registry import kind_of

    return kind_of(obj).key


@pytest.mark.parametrize(
    "kind",
    ["instrument", "experience", "comment", "journal_entry", "question", "answer", "profile"],
)
def test_every_kind_can_be_reported_by_a_signed_in_reader(kind, provider, outsider_client):
    item = _items(provider)[kind]
    url = _url(kind, item)

    form = outsider_client.get(url)
    assert form.status_code == 200
    assert {choice for choice, _label in form.context["form"].fields["reason"].choices} == set(
        ReportReason.values
    )
    assert b'type="radio"' in form.content

    done = outsider_client.post(url, {"reason": ReportReason.SPAM, "note": " Advert "})
    assert done.status_code == 200
    assert done.templates[0].name == "moderation/report_done.html"
    assert done.context["created"] is True
    report = Report.objects.get()
    assert (report.reason, report.note, report.case.kind) == (ReportReason.SPAM, "Advert", kind)
    assert report.case.object_id == item.pk


@pytest.mark.parametrize("reason", ["", "nonsense", "SPAM"])
def test_the_reason_must_be_one_of_the_list(reason, provider, outsider_client):
    question = make_question(author=provider)
    response = outsider_client.post(_url("question", question), {"reason": reason, "note": "x"})
    assert response.status_code == 400
    assert response.context["form"].errors["reason"]
    assert b"error-summary" in response.content
    # What was typed is kept.
    assert response.context["form"]["note"].value() == "x"
    assert not Report.objects.exists()


def test_the_explanation_has_a_maximum_length(provider, outsider_client):
    question = make_question(author=provider)
    response = outsider_client.post(
        _url("question", question), {"reason": ReportReason.OTHER, "note": "x" * 2001}
    )
    assert response.status_code == 400
    assert not Report.objects.exists()


def test_a_second_report_by_the_same_person_updates_the_first(provider, outsider_client):
    question = make_question(author=provider)
    url = _url("question", question)
    outsider_client.post(url, {"reason": ReportReason.SPAM})
    again = outsider_client.post(
        "/en" + url, {"reason": ReportReason.ABUSE, "note": "Rude to members"}
    )
    assert again.status_code == 200
    assert again.context["created"] is False
    assert b"You already reported this; your report was updated." in again.content
    report = Report.objects.get()
    assert (report.reason, report.note) == (ReportReason.ABUSE, "Rude to members")
    case = _case(question)
    assert (case.report_count, case.report_score) == (1, 1.0)


def test_reports_by_different_people_merge_into_one_case_and_count(provider, outsider):
    question = make_question(author=provider)
    for reporter in (outsider, UserFactory(), UserFactory()):
        report_create(reporter=reporter, obj=question, reason=ReportReason.SPAM)
    case = Case.objects.get()
    assert (case.report_count, case.report_score, case.reports.count()) == (3, 3.0, 3)


def test_nobody_reports_their_own_contribution(provider, provider_client):
    question = make_question(author=provider)
    url = _url("question", question)
    assert provider_client.get(url).status_code == 403
    response = provider_client.post("/en" + url, {"reason": ReportReason.SPAM})
    assert response.status_code == 403
    assert b"You cannot report your own contribution." in response.content
    assert not Report.objects.exists()


def test_anonymous_people_are_sent_to_log_in_and_back(provider, client):
    question = make_question(author=provider)
    url = _url("question", question)
    for response in (client.get(url), client.post(url, {"reason": ReportReason.SPAM})):
        assert response.status_code == 302
        assert response.url == f"{reverse('account_login')}?next={url}"
    assert not Report.objects.exists()


def test_a_suspended_account_is_told_why_it_cannot_report(provider, outsider, outsider_client):
    outsider.suspended_until = suspension_end(3)
    outsider.save(update_fields=["suspended_until"])
    question = make_question(author=provider)
    url = "/en" + _url("question", question)
    response = outsider_client.get(url)
    assert response.status_code == 403
    assert b"Your account is suspended until" in response.content
    assert outsider_client.post(url, {"reason": ReportReason.SPAM}).status_code == 403
    assert not Report.objects.exists()


def test_an_unknown_kind_or_item_is_not_found(provider, outsider_client):
    question = make_question(author=provider)
    assert outsider_client.get(f"/melden/poll/{question.pk}/").status_code == 404
    assert (
        outsider_client.get(
            reverse("reports:report", kwargs={"kind": "question", "object_id": 999999})
        ).status_code
        == 404
    )


@pytest.mark.parametrize("visibility", ["members", "confidential"])
def test_an_outsider_cannot_report_what_they_may_not_read(visibility, provider, outsider_client):
    """404, the same answer as for an item that does not exist."""
    member = UserFactory()
    community = make_community(facilitator=provider, visibility=visibility)
    add_member(community, member)
    instrument = InstrumentFactory(owner=UserFactory())
    experience = make_experience(instrument=instrument, author=provider, community=community)
    items = {
        "experience": experience,
        "journal_entry": make_entry(community=community, author=provider),
        "comment": make_comment(target=experience, author=provider),
    }
    member_client = _client(member)
    for kind, item in items.items():
        url = _url(kind, item)
        assert outsider_client.get(url).status_code == 404, kind
        assert outsider_client.post(url, {"reason": ReportReason.SPAM}).status_code == 404
        assert member_client.get(url).status_code == 200, kind
    assert not Report.objects.exists()


def test_a_draft_instrument_and_a_hidden_profile_cannot_be_reported(provider, outsider_client):
    draft = InstrumentFactory(owner=provider, status="draft")
    assert outsider_client.get(_url("instrument", draft)).status_code == 404
    provider.moderation_state = "hidden"
    provider.save(update_fields=["moderation_state"])
    assert outsider_client.get(_url("profile", provider)).status_code == 404


def test_a_held_contribution_cannot_be_reported_by_others(outsider_client):
    newcomer = UserFactory(trusted_at=None)
    question = make_question(author=newcomer)
    assert question.is_pending
    assert outsider_client.get(_url("question", question)).status_code == 404
    answer_on_held = make_answer(question=question, author=UserFactory())
    assert outsider_client.get(_url("answer", answer_on_held)).status_code == 404


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


# The report link on every item --------------------------------------------------------


def _pages(items) -> dict:
    return {
        "instrument": items["instrument"].get_absolute_url(),
        "experience": items["experience"].get_absolute_url(),
        "comment": items["instrument"].get_absolute_url(),
        "journal_entry": items["journal_entry"].get_absolute_url(),
        "question": items["question"].get_absolute_url(),
        "answer": items["question"].get_absolute_url(),
        "profile": reverse("people:person", kwargs={"user_id": items["profile"].pk}),
    }


def test_every_item_shows_a_report_link_to_readers_but_not_to_its_author(
    provider, provider_client, outsider_client, client
):
    items = _items(provider)
    for kind, page in _pages(items).items():
        report_url = _url(kind, items[kind])
        seen = outsider_client.get(page).content.decode()
        assert f'href="{report_url}"' in seen, kind
        assert report_url not in provider_client.get(page).content.decode(), kind
        anonymous = client.get(page).content.decode()
        assert f'login/?next={report_url}"' in anonymous, kind


def test_the_report_link_names_the_item_for_screen_readers(provider, outsider_client):
    items = _items(provider)
    page = outsider_client.get("/en" + items["instrument"].get_absolute_url()).content.decode()
    assert 'Report<span class="visually-hidden"> comment by ' in page
    assert f'Report<span class="visually-hidden"> instrument {items["instrument"].title}' in page


def test_the_report_page_shows_what_is_reported(provider, outsider_client):
    question = make_question(author=provider, title="Wie kent een goede werkvorm?")
    response = outsider_client.get(_url("question", question))
    assert response.context["item_title"] == "Wie kent een goede werkvorm?"
    assert response.context["item_url"] == question.get_absolute_url()
