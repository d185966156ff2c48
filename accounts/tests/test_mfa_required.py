"""Two-factor sign-in (allauth MFA, TOTP with recovery codes), required for moderators and
staff by accounts.security.TwoFactorRequiredMiddleware."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client

from accounts.security import MFAAdapter
from accounts.tests.factories import UserFactory, current_totp_code, signed_in_client

pytestmark = pytest.mark.django_db

SETUP = "/en/account/2fa/totp/activate/"


@pytest.fixture
def staff_without_totp(db):
    return UserFactory(is_staff=True, two_factor=False)


@pytest.mark.parametrize("path", ["/en/", "/en/account/profiel/", "/en/vragen/"])
def test_staff_without_an_authenticator_is_sent_to_the_setup_from_any_page(
    staff_without_totp, path
):
    client = signed_in_client(staff_without_totp)

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == SETUP
    page = client.get(SETUP, follow=True)
    assert "must sign in with two factors" in page.content.decode()


def test_a_moderator_is_held_to_the_same_rule(db):
    moderator = UserFactory(is_moderator=True, two_factor=False)

    assert signed_in_client(moderator).get("/en/vragen/")["Location"] == SETUP


def test_other_people_are_not_asked(outsider_client):
    assert outsider_client.get("/en/vragen/").status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/en/account/2fa/", 200),
        ("get", "/en/gedragscode/", 200),
        ("get", "/api/v1/instruments", 200),
        ("post", "/en/account/logout/", 302),
    ],
)
def test_the_setup_pages_and_signing_out_stay_open(staff_without_totp, method, path, status):
    response = getattr(signed_in_client(staff_without_totp), method)(path)

    assert response.status_code == status
    assert response.get("Location", "") != SETUP


def test_after_adding_an_authenticator_they_pass(staff_without_totp):
    client = signed_in_client(staff_without_totp)
    assert client.get("/en/vragen/").status_code == 302

    TOTP.activate(staff_without_totp, generate_totp_secret())

    assert client.get("/en/vragen/").status_code == 200


def test_setting_up_through_allauth_shows_recovery_codes(staff_without_totp):
    client = Client()
    client.post(
        "/en/account/login/",
        {"login": staff_without_totp.email, "password": "correct horse battery"},
    )
    # allauth asks for the password again before adding an authenticator.
    reauthenticate = client.get(SETUP)["Location"]
    assert reauthenticate.startswith("/en/account/reauthenticate/")
    client.post(reauthenticate, {"password": "correct horse battery"})
    setup = client.get(SETUP)
    assert setup.status_code == 200
    secret = setup.context["form"].secret

    response = client.post(SETUP, {"code": current_totp_code(secret)})

    assert response.status_code == 302
    types = set(
        Authenticator.objects.filter(user=staff_without_totp).values_list("type", flat=True)
    )
    assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
    assert client.get("/en/vragen/").status_code == 200


def test_signing_in_with_a_password_then_asks_for_the_code(db):
    staff = UserFactory(is_staff=True)
    client = Client()

    response = client.post(
        "/en/account/login/", {"login": staff.email, "password": "correct horse battery"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/en/account/2fa/authenticate/"
    assert client.get("/en/account/profiel/").status_code == 302  # not signed in yet
    wrong = client.post("/en/account/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors

    signed_in = client.post(
        "/en/account/2fa/authenticate/", {"code": current_totp_code(staff.totp_secret)}
    )

    assert signed_in.status_code == 302
    assert client.get("/en/account/profiel/").status_code == 200


def test_staff_cannot_remove_their_authenticator(db):
    staff = UserFactory(is_staff=True)
    person = UserFactory(two_factor=True)

    adapter = MFAAdapter()
    assert not adapter.can_delete_authenticator(Authenticator.objects.get(user=staff))
    assert adapter.can_delete_authenticator(Authenticator.objects.get(user=person))
