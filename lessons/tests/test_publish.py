"""The publish flow: suggestions, preview (saves nothing), back to edit, confirm (checks
names again), the audit event, the original untouched, and the source page's status."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.tests.factories import signed_in_client
from audit.models import AuditEvent
from experiences.models import Experience
from lessons.models import PublicLesson
from lessons.services import lesson_publish, lesson_withdraw
from lessons.tests.conftest import NAMED_TEXTS, valid_fields

pytestmark = pytest.mark.django_db


def _url(experience) -> str:
    return reverse(
        "lessons:publish", kwargs={"source_kind": "experience", "source_id": experience.pk}
    )


def test_the_form_is_prefilled_with_the_suggestions(experience, facilitator):
    response = signed_in_client(facilitator).get("/en" + _url(experience))
    form = response.context["form"]
    assert form["what_worked"].value() == (
        "Participant 2 asked a school to host the second round in the east of the country."
    )
    assert list(form["instruments"].value()) == [experience.instrument.pk]
    assert experience.community.name not in response.content.decode()


def test_the_preview_shows_exactly_the_public_page_and_saves_nothing(
    experience, facilitator, instrument, sector
):
    client = signed_in_client(facilitator)
    url = "/en" + _url(experience)
    data = valid_fields(action="preview", instruments=[instrument.pk], sector=sector.pk)
    preview = client.post(url, data)

    assert preview.status_code == 200
    assert not PublicLesson.objects.exists()
    assert not AuditEvent.objects.filter(action="lesson.published").exists()

    published = client.post(url, {**data, "action": "publish"})
    lesson = PublicLesson.objects.get()
    assert published["Location"].endswith(f"/lessen/{lesson.pk}/")
    page = signed_in_client(None).get(published["Location"])

    def article(response) -> str:
        html = response.content.decode()
        start = html.index('<article class="lesson">')
        return html[start : html.index("</article>", start)]

    # The one difference: the date, which exists only once it is published.
    preview_article = article(preview).replace("When you publish it", "")
    page_article = article(page)
    date_start = page_article.index("<time")
    page_article = page_article[:date_start] + page_article[page_article.index("</time>") + 7 :]
    assert preview_article == page_article
    assert lesson.what_was_done == data["what_was_done"]
    assert list(lesson.instruments.all()) == [instrument]


def test_back_to_edit_keeps_the_input(experience, facilitator):
    data = valid_fields(action="edit", lesson="My own careful wording.")
    response = signed_in_client(facilitator).post(_url(experience), data)
    assert response.status_code == 200
    assert response.context["form"]["lesson"].value() == "My own careful wording."
    assert not PublicLesson.objects.exists()


def test_confirm_refuses_names_left_in_any_field(experience, facilitator):
    data = valid_fields(
        action="publish",
        what_worked="Thanks to gemeente rivierstad.",
        context=f"the {experience.community.name.upper()}",
    )
    response = signed_in_client(facilitator).post("/en" + _url(experience), data)

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "Gemeente Rivierstad" in errors["what_worked"][0]
    assert experience.community.name in errors["context"][0]
    assert "title" not in errors
    assert response.context["form"]["what_worked"].value() == "Thanks to gemeente rivierstad."
    assert not PublicLesson.objects.exists()


def test_the_service_refuses_leftovers_whatever_the_caller(experience, facilitator):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        lesson_publish(
            user=facilitator,
            source=experience,
            fields={**_fields(), "lesson": "Ask Fien Facilitator."},
        )
    assert "lesson" in error.value.message_dict
    assert not PublicLesson.objects.exists()


def test_publishing_records_an_audit_event_without_the_community(experience, facilitator):
    lesson = lesson_publish(user=facilitator, source=experience, fields=_fields())
    event = AuditEvent.objects.get(action="lesson.published")
    assert event.actor_id == facilitator.pk
    assert event.target_id == str(lesson.pk)
    assert event.target_label == lesson.title
    assert experience.community.name not in f"{event.target_label} {event.summary} {event.after}"


def test_the_original_stays_where_it_was(experience, facilitator, member):
    before = Experience.objects.values().get(pk=experience.pk)
    lesson_publish(user=facilitator, source=experience, fields=_fields())

    assert Experience.objects.values().get(pk=experience.pk) == before
    assert Experience.objects.get(pk=experience.pk).what_worked == NAMED_TEXTS["what_worked"]
    assert signed_in_client(None).get(experience.get_absolute_url()).status_code == 404
    assert signed_in_client(member).get(experience.get_absolute_url()).status_code == 200


def test_the_source_page_offers_publishing_to_facilitators_only(experience, people):
    url = "/en" + experience.get_absolute_url()
    publish = _url(experience)
    assert publish in signed_in_client(people["facilitator"]).get(url).content.decode()
    for role in ("member", "observer"):
        assert publish not in signed_in_client(people[role]).get(url).content.decode()


def test_the_source_page_says_it_was_published(experience, entry, facilitator, member):
    lesson = lesson_publish(user=facilitator, source=experience, fields=_fields())
    html = signed_in_client(facilitator).get("/en" + experience.get_absolute_url()).content.decode()
    assert "Published as a public lesson" in html
    assert lesson.get_absolute_url() in html
    assert (
        lesson.get_absolute_url()
        not in signed_in_client(member).get(experience.get_absolute_url()).content.decode()
    )
    # A second publish goes to the existing lesson.
    response = signed_in_client(facilitator).get(_url(experience))
    assert response["Location"] == lesson.get_absolute_url()


def test_the_journal_entry_page_offers_publishing(entry, facilitator, member):
    url = entry.get_absolute_url()
    publish = reverse(
        "lessons:publish", kwargs={"source_kind": "journal_entry", "source_id": entry.pk}
    )
    assert publish in signed_in_client(facilitator).get(url).content.decode()
    assert publish not in signed_in_client(member).get(url).content.decode()
    lesson = lesson_publish(user=facilitator, source=entry, fields=_fields())
    assert lesson.get_absolute_url() in signed_in_client(facilitator).get(url).content.decode()


def test_the_facilitator_can_withdraw_and_the_original_stays(experience, facilitator):
    lesson = lesson_publish(user=facilitator, source=experience, fields=_fields())
    response = signed_in_client(facilitator).post(reverse("lessons:withdraw", args=[lesson.pk]))

    assert response["Location"] == experience.get_absolute_url()
    assert not PublicLesson.objects.exists()
    assert Experience.objects.filter(pk=experience.pk).exists()
    assert AuditEvent.objects.filter(action="lesson.withdrawn").exists()


def test_withdrawing_twice_is_404(experience, facilitator):
    lesson = lesson_publish(user=facilitator, source=experience, fields=_fields())
    url = reverse("lessons:withdraw", args=[lesson.pk])
    lesson_withdraw(user=facilitator, lesson=lesson)
    response = signed_in_client(facilitator).post(url)
    assert response.status_code == 404


def test_unpublished_instruments_are_not_linked(experience, facilitator, provider):
    from instruments.tests.factories import InstrumentFactory

    draft = InstrumentFactory(n="draft-tool", status="draft", owner=provider)
    lesson = lesson_publish(
        user=facilitator,
        source=experience,
        fields={**_fields(), "instruments": [draft, experience.instrument]},
    )
    assert list(lesson.instruments.all()) == [experience.instrument]


def _fields() -> dict:
    data = valid_fields()
    data["level"] = ""
    return data
