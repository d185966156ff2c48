from __future__ import annotations

import re

import pytest
from django.core import mail

from accounts.models import User

pytestmark = pytest.mark.django_db


def _link(message) -> str:
    return re.search(r"http://testserver(/\S+)", message.body).group(1)


def test_sign_up_requires_verifying_the_e_mail_address(client):
    response = client.post(
        "/account/signup/",
        {
            "email": "nieuw@example.org",
            "password1": "een-lang-wachtwoord-9",
            "password2": "een-lang-wachtwoord-9",
            "accept_code_of_conduct": "on",
        },
    )

    assert response.status_code == 302
    assert User.objects.filter(email="nieuw@example.org").exists()
    assert len(mail.outbox) == 1
    assert client.get("/account/profiel/").status_code == 302

    confirm = _link(mail.outbox[0])
    client.post(confirm)
    login = client.post(
        "/account/login/", {"login": "nieuw@example.org", "password": "een-lang-wachtwoord-9"}
    )

    assert login.status_code == 302
    assert client.get("/account/profiel/").status_code == 200


def test_login_and_logout(client, outsider):
    response = client.post(
        "/account/login/", {"login": outsider.email, "password": "correct horse battery"}
    )
    assert response.status_code == 302
    assert client.get("/account/profiel/").status_code == 200

    client.post("/account/logout/")

    assert client.get("/account/profiel/").status_code == 302


def test_password_reset_sends_a_working_link(client, outsider):
    client.post("/account/password/reset/", {"email": outsider.email})

    assert len(mail.outbox) == 1
    reset_url = _link(mail.outbox[0])
    form_page = client.get(reset_url, follow=True)
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else reset_url
    client.post(
        action, {"password1": "nog-een-lang-wachtwoord-7", "password2": "nog-een-lang-wachtwoord-7"}
    )

    outsider.refresh_from_db()
    assert outsider.check_password("nog-een-lang-wachtwoord-7")


def test_profile_edit_sets_name_organisation_and_roles(outsider_client, outsider):
    response = outsider_client.post(
        "/account/profiel/bewerken/",
        {
            "name": "Olga Jansen",
            "organisation": "Hogeschool Oost",
            "roles": ["provider", "facilitator"],
        },
    )

    assert response.status_code == 302
    outsider.refresh_from_db()
    assert outsider.name == "Olga Jansen"
    assert outsider.organisation.name == "Hogeschool Oost"
    assert outsider.roles == ["facilitator", "provider"]


def test_profile_edit_without_a_name_shows_an_error(outsider_client, outsider):
    response = outsider_client.post("/account/profiel/bewerken/", {"name": ""})

    assert response.status_code == 200
    assert response.context["form"].errors["name"]


def test_becoming_a_provider_opens_the_instrument_form(outsider_client):
    assert outsider_client.get("/instrumenten/nieuw/").status_code == 403

    outsider_client.post("/account/profiel/bewerken/", {"name": "Olga", "roles": ["provider"]})

    assert outsider_client.get("/instrumenten/nieuw/").status_code == 200
