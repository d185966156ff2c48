"""The question pages, tried from the outsider's side first, in both renderings (htmx or not)."""

from __future__ import annotations

import pytest

from instruments.constants import Status
from instruments.tests.factories import InstrumentFactory
from questions.models import Answer
from questions.tests.factories import make_answer, make_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def question(outsider):
    """Olga (the outsider persona) asks; the provider answers."""
    return make_question(author=outsider, title="Wie heeft een instrument voor de start?")


@pytest.fixture
def answer(question, provider):
    return make_answer(question=question, author=provider, body="Probeer dit.")


def _client(request, name: str):
    return request.getfixturevalue("client" if name == "anonymous" else name)


@pytest.mark.parametrize(
    ("role", "method", "path", "status"),
    [
        # Reading is public.
        ("anonymous", "get", "", 200),
        ("anonymous", "get", "{q}/", 200),
        ("anonymous", "get", "vraag-en-aanbod/", 200),
        # Writing needs an account.
        ("anonymous", "get", "nieuw/", 302),
        ("anonymous", "post", "{q}/antwoorden/", 302),
        ("anonymous", "get", "{q}/bewerken/", 302),
        ("anonymous", "post", "{q}/verwijderen/", 302),
        ("anonymous", "get", "{q}/antwoorden/{a}/bewerken/", 302),
        ("anonymous", "post", "{q}/antwoorden/{a}/verwijderen/", 302),
        ("anonymous", "post", "{q}/antwoorden/{a}/nuttig/", 302),
        # Someone else's question or answer.
        ("provider_client", "get", "{q}/bewerken/", 403),
        ("provider_client", "post", "{q}/verwijderen/", 403),
        ("provider_client", "post", "{q}/antwoorden/{a}/nuttig/", 403),
        ("outsider_client", "get", "{q}/antwoorden/{a}/bewerken/", 403),
        ("outsider_client", "post", "{q}/antwoorden/{a}/verwijderen/", 403),
        ("staff_client", "get", "{q}/bewerken/", 403),
        # One's own.
        ("outsider_client", "get", "nieuw/", 200),
        ("outsider_client", "get", "{q}/bewerken/", 200),
        ("outsider_client", "get", "{q}/verwijderen/", 200),
        ("provider_client", "get", "{q}/antwoorden/{a}/bewerken/", 200),
        ("provider_client", "get", "{q}/antwoorden/{a}/verwijderen/", 200),
        # Wrong method.
        ("outsider_client", "get", "{q}/antwoorden/", 405),
        ("outsider_client", "get", "{q}/antwoorden/{a}/nuttig/", 405),
        # Missing.
        ("outsider_client", "get", "999999/", 404),
        ("provider_client", "get", "{q}/antwoorden/999999/bewerken/", 404),
    ],
)
def test_permissions(request, question, answer, role, method, path, status):
    url = "/vragen/" + path.format(q=question.pk, a=answer.pk)

    response = getattr(_client(request, role), method)(url)

    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/account/login/")


def test_an_answer_of_another_question_is_not_found(request, question, answer, outsider):
    other = make_question(author=outsider)

    response = _client(request, "provider_client").get(
        f"/vragen/{other.pk}/antwoorden/{answer.pk}/bewerken/"
    )

    assert response.status_code == 404


def test_asking_a_question_redirects_to_it(outsider_client, outsider):
    response = outsider_client.post(
        "/vragen/nieuw/",
        {"title": "Wie heeft een canvas voor rollen?", "body": "", "phase": "ontwerpen"},
    )

    question = outsider.questions.get()
    assert response.status_code == 302
    assert response["Location"] == f"/vragen/{question.pk}/"
    assert question.phase == "ontwerpen"


def test_an_invalid_question_shows_the_form_again(outsider_client, outsider):
    response = outsider_client.post("/vragen/nieuw/", {"title": "", "phase": "onzin"})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"title", "phase"}
    assert not outsider.questions.exists()


def test_the_question_page_shows_only_instruments_the_viewer_may_see(
    client, provider_client, question, provider
):
    published = InstrumentFactory(owner=provider, n="zichtbaar")
    draft = InstrumentFactory(owner=provider, n="concept", status=Status.DRAFT)
    make_answer(question=question, author=provider, instruments=[published, draft])
    url = f"/vragen/{question.pk}/"

    anonymous_page = client.get(url)
    owner_page = provider_client.get(url)

    (shown,) = [a for a in anonymous_page.context["answers"] if a.visible_instruments]
    assert shown.visible_instruments == [published]
    assert "/instrumenten/instrument-concept/" not in anonymous_page.content.decode()
    assert "/instrumenten/instrument-concept/" in owner_page.content.decode()


def test_a_helpful_answer_is_shown_first(client, question, outsider, provider, other_provider):
    first = make_answer(question=question, author=provider)
    second = make_answer(question=question, author=other_provider)
    second.is_helpful = True
    second.save(update_fields=["is_helpful"])

    answers = client.get(f"/vragen/{question.pk}/").context["answers"]

    assert [a.pk for a in answers] == [second.pk, first.pk]


def test_posting_an_answer_without_javascript_redirects_to_it(
    other_provider_client, other_provider, question
):
    instrument = InstrumentFactory()

    response = other_provider_client.post(
        f"/vragen/{question.pk}/antwoorden/",
        {"answer-body": "Dit canvas.", "answer-instruments": [instrument.pk]},
    )

    answer = Answer.objects.get(author=other_provider)
    assert response.status_code == 302
    assert response["Location"] == f"/vragen/{question.pk}/#answer-{answer.pk}"
    assert list(answer.instruments.all()) == [instrument]


def test_posting_an_answer_with_htmx_returns_the_answers_section(
    other_provider_client, other_provider, question
):
    response = other_provider_client.post(
        f"/vragen/{question.pk}/antwoorden/", {"answer-body": "Dit."}, HTTP_HX_REQUEST="true"
    )

    answer = Answer.objects.get(author=other_provider)
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "questions/_answers.html"
    assert response.context["posted"] == answer
    assert f'id="answer-{answer.pk}"' in response.content.decode()


def test_an_empty_answer_is_refused_in_both_renderings(other_provider_client, question):
    url = f"/vragen/{question.pk}/antwoorden/"

    plain = other_provider_client.post(url, {"answer-body": ""})
    htmx = other_provider_client.post(url, {"answer-body": ""}, HTTP_HX_REQUEST="true")

    assert plain.status_code == 400
    assert "body" in plain.context["answer_form"].errors
    assert htmx.status_code == 200  # htmx swaps only 2xx responses
    assert "body" in htmx.context["answer_form"].errors
    assert not Answer.objects.exists()


def test_an_answer_cannot_link_a_draft_the_answerer_cannot_see(
    other_provider_client, question, provider
):
    draft = InstrumentFactory(owner=provider, status=Status.DRAFT)

    response = other_provider_client.post(
        f"/vragen/{question.pk}/antwoorden/",
        {"answer-body": "Dit.", "answer-instruments": [draft.pk]},
    )

    assert response.status_code == 400
    assert "instruments" in response.context["answer_form"].errors
    assert not Answer.objects.exists()


def test_the_asker_marks_an_answer_helpful_in_both_renderings(outsider_client, question, answer):
    url = f"/vragen/{question.pk}/antwoorden/{answer.pk}/nuttig/"

    plain = outsider_client.post(url)
    answer.refresh_from_db()
    assert plain.status_code == 302
    assert answer.is_helpful

    htmx = outsider_client.post(url, HTTP_HX_REQUEST="true")
    answer.refresh_from_db()
    assert htmx.status_code == 200
    assert not answer.is_helpful
    assert 'aria-pressed="false"' in htmx.content.decode()


def test_editing_an_answer_saves_and_returns_to_it(provider_client, question, answer):
    response = provider_client.post(
        f"/vragen/{question.pk}/antwoorden/{answer.pk}/bewerken/", {"body": "Beter antwoord."}
    )

    answer.refresh_from_db()
    assert response.status_code == 302
    assert answer.body == "Beter antwoord."


def test_deleting_a_question_returns_to_the_list(outsider_client, question):
    response = outsider_client.post(f"/vragen/{question.pk}/verwijderen/")

    assert response.status_code == 302
    assert response["Location"] == "/vragen/"


def test_only_the_asker_sees_the_helpful_buttons(
    client, provider_client, outsider_client, question, answer
):
    url = f"/vragen/{question.pk}/"
    helpful = f"/vragen/{question.pk}/antwoorden/{answer.pk}/nuttig/"

    assert helpful in outsider_client.get(url).content.decode()
    assert helpful not in provider_client.get(url).content.decode()
    assert helpful not in client.get(url).content.decode()


def test_the_list_filters_by_phase_sector_and_unanswered(client, outsider, provider):
    from instruments.services import sector_get_or_create

    energie = sector_get_or_create("energie")
    starten = make_question(author=outsider, phase="starten", sector=energie)
    answered = make_question(author=outsider, phase="uitvoeren")
    make_answer(question=answered, author=provider)
    with_instrument = make_question(author=outsider, phase="uitvoeren")
    make_answer(question=with_instrument, author=provider, instruments=[InstrumentFactory()])

    def shown(query: str) -> list[int]:
        return [q.pk for q in client.get(f"/vragen/{query}").context["page"].object_list]

    assert shown("") == [with_instrument.pk, answered.pk, starten.pk]
    assert shown("?fase=starten") == [starten.pk]
    assert shown("?sector=energie") == [starten.pk]
    assert shown("?status=onbeantwoord") == [starten.pk]
    assert shown("?status=zonder-instrument") == [answered.pk, starten.pk]
    assert shown("?fase=onzin") == shown("")


def test_the_empty_list_says_what_to_do(client):
    response = client.get("/vragen/")

    assert response.status_code == 200
    assert 'href="/vragen/nieuw/"' in response.content.decode()
