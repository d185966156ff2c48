"""Signed-in devices (allauth usersessions at /account/sessions/): a person sees where they
are signed in and signs the other sessions out; the profile links to it."""

from __future__ import annotations

import re

import pytest
from allauth.usersessions.models import UserSession
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

SESSIONS = "/en/account/sessions/"


def _sign_in(user, browser: str) -> Client:
    client = Client(HTTP_USER_AGENT=browser)
    response = client.post(
        "/en/account/login/", {"login": user.email, "password": "correct horse battery"}
    )
    assert response.status_code == 302
    return client


def test_revoking_the_other_session_signs_it_out(outsider):
    laptop = _sign_in(outsider, "Laptop Firefox")
    phone = _sign_in(outsider, "Phone Safari")
    assert phone.get("/en/account/profiel/").status_code == 200

    page = laptop.get(SESSIONS)
    assert [s.user_agent for s in page.context["sessions"]] == ["Laptop Firefox", "Phone Safari"]

    response = laptop.post(SESSIONS)

    assert response.status_code == 302
    assert phone.get("/en/account/profiel/").status_code == 302
    assert laptop.get("/en/account/profiel/").status_code == 200
    assert list(UserSession.objects.values_list("user_agent", flat=True)) == ["Laptop Firefox"]


def test_the_sessions_page_is_a_table_in_the_account_layout(outsider):
    laptop = _sign_in(outsider, "Laptop Firefox")
    _sign_in(outsider, "Phone Safari")

    body = laptop.get(SESSIONS).content.decode()

    assert len(re.findall(r"<h1[ >]", body)) == 1
    assert "<caption" in body
    assert body.count('<th scope="row">') == 2
    assert 'class="account-nav"' in body
    assert 'aria-current="page">Signed-in devices' in body
    assert "Sign out all other devices" in body


def test_other_people_do_not_see_my_sessions(outsider, provider):
    _sign_in(outsider, "Laptop Firefox")
    other = _sign_in(provider, "Provider Chrome")

    sessions = other.get(SESSIONS).context["sessions"]

    assert [s.user_agent for s in sessions] == ["Provider Chrome"]


def test_the_sessions_page_needs_a_signed_in_person(client):
    response = client.get(SESSIONS)

    assert response.status_code == 302
    assert "/account/login/" in response["Location"]


@override_settings(USERSESSIONS_TRACK_ACTIVITY=True)
def test_activity_tracking_records_every_signed_in_browser(outsider):
    for browser in ("Laptop Firefox", "Phone Safari"):
        client = Client(HTTP_USER_AGENT=browser)
        client.force_login(outsider)
        client.get("/en/vragen/")

    assert set(UserSession.objects.values_list("user_agent", flat=True)) == {
        "Laptop Firefox",
        "Phone Safari",
    }


def test_the_profile_links_to_security_settings(outsider_client):
    body = outsider_client.get("/en/account/profiel/").content.decode()

    section = body[body.index('data-testid="profile-security"') :]
    assert 'href="/en/account/2fa/"' in section
    assert 'href="/en/account/sessions/"' in section
    assert 'href="/en/gedragscode/"' in section
    assert "Off." in section


def test_the_profile_shows_two_factor_is_on(staff_client):
    body = staff_client.get("/en/account/profiel/").content.decode()

    assert "On: you sign in with your password and a code" in body
