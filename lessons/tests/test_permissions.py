"""Only a facilitator of the source's members-only or confidential community may publish;
everyone else is turned away (404 when they may not read the source, 403 when they
may) and nothing is saved."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.tests.factories import signed_in_client
from audit.models import AuditEvent
from experiences.tests.factories import make_experience
from lessons.models import PublicLesson
from lessons.tests.conftest import valid_fields

pytestmark = pytest.mark.django_db

# role -> status for a source in a members-only or confidential community
EXPECTED = {"outsider": 404, "other_facilitator": 404, "observer": 403, "member": 403}


def _publish_url(kind: str, obj) -> str:
    return reverse("lessons:publish", kwargs={"source_kind": kind, "source_id": obj.pk})


@pytest.fixture
def sources(experience, entry) -> dict:
    return {"experience": experience, "journal_entry": entry}


@pytest.mark.parametrize("kind", ["experience", "journal_entry"])
@pytest.mark.parametrize("role", sorted(EXPECTED))
@pytest.mark.parametrize("method", ["get", "post"])
def test_only_the_facilitator_may_publish(people, sources, kind, role, method):
    url = _publish_url(kind, sources[kind])
    data = {**valid_fields(), "action": "publish"} if method == "post" else None
    response = getattr(signed_in_client(people[role]), method)(url, data)

    assert response.status_code == EXPECTED[role]
    assert not PublicLesson.objects.exists()
    assert not AuditEvent.objects.filter(action="lesson.published").exists()


@pytest.mark.parametrize("kind", ["experience", "journal_entry"])
def test_anonymous_is_sent_to_sign_in(client, sources, kind):
    response = client.post(_publish_url(kind, sources[kind]), valid_fields(action="publish"))
    assert response.status_code == 302
    assert "/account/login/" in response["Location"]
    assert not PublicLesson.objects.exists()


@pytest.mark.parametrize("kind", ["experience", "journal_entry"])
def test_the_facilitator_gets_the_form(people, sources, kind):
    response = signed_in_client(people["facilitator"]).get(_publish_url(kind, sources[kind]))
    assert response.status_code == 200
    assert "form" in response.context


def test_a_public_community_is_refused_with_a_clear_message(
    communities, instrument, member, facilitator
):
    experience = make_experience(
        instrument=instrument, author=member, community=communities["public"]
    )
    url = "/en" + _publish_url("experience", experience)
    for data in (None, valid_fields(action="publish")):
        client = signed_in_client(facilitator)
        response = client.post(url, data) if data else client.get(url)
        assert response.status_code == 403
        assert "already be read by everyone" in response.content.decode()
    assert not PublicLesson.objects.exists()


def test_an_experience_outside_any_community_is_refused(instrument, facilitator):
    experience = make_experience(instrument=instrument, author=facilitator)
    response = signed_in_client(facilitator).get(_publish_url("experience", experience))
    assert response.status_code == 403


def test_an_unknown_kind_or_id_is_404(facilitator, experience):
    client = signed_in_client(facilitator)
    assert client.get(_publish_url("comment", experience)).status_code == 404
    missing = reverse("lessons:publish", kwargs={"source_kind": "experience", "source_id": 999999})
    assert client.get(missing).status_code == 404


def test_a_held_source_cannot_be_published(experience, facilitator):
    from moderation.constants import ModerationState
    from moderation.services import set_state

    set_state(experience, ModerationState.HIDDEN)
    response = signed_in_client(facilitator).get(_publish_url("experience", experience))
    assert response.status_code == 404


def test_the_publish_url_rejects_other_methods(facilitator, experience):
    response = signed_in_client(facilitator).put(_publish_url("experience", experience))
    assert response.status_code == 405


@pytest.mark.parametrize("role", ["anonymous", "outsider", "observer", "member"])
def test_only_a_facilitator_can_withdraw(people, experience, facilitator, role):
    from lessons.services import lesson_publish

    lesson = lesson_publish(user=facilitator, source=experience, fields=_fields())
    response = signed_in_client(people[role]).post(reverse("lessons:withdraw", args=[lesson.pk]))
    assert response.status_code in (302, 403) and PublicLesson.objects.filter(pk=lesson.pk).exists()


def _fields() -> dict:
    data = valid_fields()
    data.pop("level")
    data.pop("phase")
    return data
