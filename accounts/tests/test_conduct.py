"""The code of conduct: its page, the tick at sign-up, and the one-time question to a
signed-in person who has not accepted it (a first sign-in with LinkedIn or SURFconext)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from accounts.models import User
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "nieuw@example.org",
    "password1": "een-lang-wachtwoord-9",
    "password2": "een-lang-wachtwoord-9",
}


@pytest.fixture
def newcomer(db):
    """An account created by a provider sign-in: no acceptance yet."""
    return UserFactory(code_of_conduct_accepted_at=None)


@pytest.fixture
def newcomer_client(newcomer) -> Client:
    client = Client()
    client.force_login(newcomer)
    return client


def test_the_code_of_conduct_is_public_and_linked_in_the_footer(client):
    response = client.get("/en/gedragscode/")

    body = response.content.decode()
    assert response.status_code == 200
    assert len(re.findall(r"<h1[ >]", body)) == 1
    assert "confidential community stays in that community" in body
    assert "appeal a decision" in body
    assert 'href="/en/gedragscode/"' in client.get("/en/").content.decode()


def test_sign_up_without_accepting_creates_no_account(client):
    response = client.post("/en/account/signup/", SIGNUP)

    assert response.status_code == 200
    assert response.context["form"].errors["accept_code_of_conduct"]
    assert not User.objects.filter(email=SIGNUP["email"]).exists()


def test_the_sign_up_form_links_to_the_code_of_conduct(client):
    body = client.get("/en/account/signup/").content.decode()

    assert 'name="accept_code_of_conduct"' in body
    assert 'href="/en/gedragscode/"' in body


def test_sign_up_with_acceptance_stores_when(client):
    response = client.post("/en/account/signup/", {**SIGNUP, "accept_code_of_conduct": "on"})

    assert response.status_code == 302
    user = User.objects.get(email=SIGNUP["email"])
    assert user.code_of_conduct_accepted_at is not None


@pytest.mark.parametrize("path", ["/en/", "/en/account/profiel/", "/en/vragen/nieuw/"])
def test_a_person_who_has_not_accepted_is_asked_first(newcomer_client, path):
    response = newcomer_client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/en/gedragscode/accepteren/?next={path.replace('/', '%2F')}"


def test_a_post_elsewhere_is_stopped_before_it_changes_anything(newcomer_client, newcomer):
    response = newcomer_client.post(
        "/en/vragen/nieuw/", {"title": "Wie heeft een werkvorm?", "phase": "ontwerpen"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/en/gedragscode/accepteren/"
    assert not newcomer.questions.exists()


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/en/gedragscode/", 200),
        ("get", "/en/gedragscode/accepteren/", 200),
        ("get", "/api/v1/instruments", 200),
        ("post", "/en/account/logout/", 302),
    ],
)
def test_what_is_needed_to_accept_or_leave_stays_open(newcomer_client, method, path, status):
    response = getattr(newcomer_client, method)(path)

    assert response.status_code == status
    assert "/accepteren/" not in response.get("Location", "")


def test_an_htmx_request_is_sent_to_the_page_as_a_whole(newcomer_client):
    response = newcomer_client.get("/en/vragen/", headers={"HX-Request": "true"})

    assert response["HX-Redirect"].startswith("/en/gedragscode/accepteren/")


def test_accepting_needs_the_tick(newcomer_client, newcomer):
    response = newcomer_client.post("/en/gedragscode/accepteren/", {"next": "/en/vragen/"})

    assert response.status_code == 200
    assert response.context["form"].errors["accept_code_of_conduct"]
    newcomer.refresh_from_db()
    assert newcomer.code_of_conduct_accepted_at is None


def test_accepting_stores_the_time_and_returns_to_where_the_person_was(newcomer_client, newcomer):
    response = newcomer_client.post(
        "/en/gedragscode/accepteren/", {"next": "/en/vragen/", "accept_code_of_conduct": "on"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/en/vragen/"
    newcomer.refresh_from_db()
    assert newcomer.code_of_conduct_accepted_at is not None
    assert newcomer_client.get("/en/vragen/").status_code == 200


def test_accepting_never_redirects_to_another_site(newcomer_client):
    response = newcomer_client.post(
        "/en/gedragscode/accepteren/",
        {"next": "https://evil.example/", "accept_code_of_conduct": "on"},
    )

    assert response["Location"] == "/en/account/profiel/"


def test_the_accept_page_needs_a_signed_in_person(client):
    response = client.get("/en/gedragscode/accepteren/")

    assert response.status_code == 302
    assert "/account/login/" in response["Location"]


def test_someone_who_accepted_is_not_asked_again(outsider_client):
    assert outsider_client.get("/en/vragen/").status_code == 200
    response = outsider_client.get("/en/gedragscode/accepteren/")
    assert response.status_code == 302
    assert response["Location"] == "/en/account/profiel/"
