"""Sign in with LinkedIn / SURFconext end to end: Chromium, Samenspel's live server and a
real OpenID Connect provider on 127.0.0.1 (``oidc_op/``, started by conftest.py). Nothing of
allauth is mocked: discovery, the provider's login form and consent page, the code exchange
with PKCE, the signed ID token and the userinfo call all happen over HTTP.
"""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.core import mail
from playwright.sync_api import expect

from accounts import services
from accounts.models import User
from accounts.tests.conftest import free_port
from accounts.tests.factories import UserFactory
from accounts.tests.oidc_browser import (
    accept_code_of_conduct,
    consent,
    sign_in_at_provider,
    sign_in_with_provider,
    sign_out,
    start_sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIGNED_IN = "header form[action$='/logout/']"


@pytest.mark.parametrize(
    ("language", "provider_name", "username", "email", "name", "organisation"),
    [
        ("nl", "SURFconext", "ada", "ada@hu.example", "Ada Lovelace", "hu.nl"),
        ("en", "LinkedIn", "bram", "bram@gemeente.example", "Bram de Vries", "Gemeente Utrecht"),
    ],
)
def test_a_first_sign_in_creates_a_verified_account_with_the_profile_filled(
    page, oidc_apps, language, provider_name, username, email, name, organisation
):
    sign_in_with_provider(page, username, provider_name, language=language)
    accept_code_of_conduct(page)

    expect(page).to_have_url(re.compile(r"/account/profiel/$"))
    expect(page.locator(SIGNED_IN)).to_have_count(1)
    expect(page.locator("main")).to_contain_text(name)
    user = User.objects.get()
    assert (user.email, user.name, user.organisation.name) == (email, name, organisation)
    assert EmailAddress.objects.get(user=user).verified
    account = SocialAccount.objects.get(user=user)
    assert account.provider == provider_name.lower()
    assert mail.outbox == []
    assert user.code_of_conduct_accepted_at is not None


def test_a_second_sign_in_with_the_same_identity_lands_in_the_same_account(page, oidc_apps):
    sign_in_with_provider(page, "ada")
    accept_code_of_conduct(page)
    expect(page.locator(SIGNED_IN)).to_have_count(1)
    first = User.objects.get()
    services.profile_update(
        user=first, name="Ada King", organisation="Analytical Engines", roles=["facilitator"]
    )
    sign_out(page)

    sign_in_with_provider(page, "ada")

    # Accepted once: the second sign-in goes straight to the profile.
    expect(page).to_have_url(re.compile(r"/account/profiel/$"))
    expect(page.locator("main h1")).to_have_text("Ada King")
    assert list(User.objects.values_list("pk", flat=True)) == [first.pk]
    assert SocialAccount.objects.filter(user=first).count() == 1
    # A later sign-in does not overwrite what the person changed since.
    first.refresh_from_db()
    assert (first.name, first.organisation.name) == ("Ada King", "Analytical Engines")


def test_an_address_the_provider_does_not_vouch_for_must_be_verified(page, oidc_apps):
    sign_in_with_provider(page, "ursula")

    expect(page).to_have_url(re.compile(r"/account/confirm-email/$"))
    user = User.objects.get()
    assert not EmailAddress.objects.get(user=user).verified
    assert [message.to for message in mail.outbox] == [["ursula@example.org"]]
    expect(page.locator(SIGNED_IN)).to_have_count(0)


def test_an_e_mail_with_an_account_is_linked_only_after_signing_in_to_it(page, oidc_apps):
    olga = UserFactory(email="olga@example.org", name="Olga B.")

    sign_in_with_provider(page, "olga")

    # No silent take-over: not signed in, nothing linked, the address gets a mail instead.
    expect(page.locator(SIGNED_IN)).to_have_count(0)
    assert not SocialAccount.objects.exists()
    assert list(User.objects.all()) == [olga]
    assert [message.to for message in mail.outbox] == [["olga@example.org"]]

    # Proving ownership: sign in with the password, then connect SURFconext.
    page.goto("/en/account/login/")
    page.locator("[name=login]").fill(olga.email)
    page.locator("[name=password]").fill("correct horse battery")
    page.locator("form[action$='/account/login/'] button[type=submit]").click()
    expect(page.locator(SIGNED_IN)).to_have_count(1)
    page.goto("/en/account/3rdparty/")
    page.get_by_role("button", name="Connect SURFconext").click()
    sign_in_at_provider(page, "olga")
    consent(page)

    expect(page).to_have_url(re.compile(r"/en/account/3rdparty/$"))
    account = SocialAccount.objects.get()
    assert (account.user, account.provider) == (olga, "surfconext")
    assert User.objects.count() == 1
    # The person's own profile stays theirs.
    olga.refresh_from_db()
    assert olga.name == "Olga B."


def test_cancelling_at_the_provider_creates_nothing(page, oidc_apps):
    start_sign_in(page)
    sign_in_at_provider(page, "ada")

    consent(page, allow=False)

    expect(page).to_have_url(re.compile(r"/en/account/3rdparty/login/cancelled/$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator(SIGNED_IN)).to_have_count(0)
    assert not User.objects.exists()


def test_a_tampered_state_is_refused(page, oidc_apps):
    start_sign_in(page)
    sign_in_at_provider(page, "ada")
    _on_return_from_provider(page, lambda url: re.sub(r"state=[^&]+", "state=forged", url))

    with page.expect_response(re.compile(r"/login/callback/\?")) as callback:
        consent(page)

    assert callback.value.status == 401
    expect(page.locator("[data-failure-reason=state]")).to_be_visible()
    expect(page.locator(SIGNED_IN)).to_have_count(0)
    assert not User.objects.exists()
    assert not SocialAccount.objects.exists()


def test_an_unreachable_provider_gives_a_friendly_page(page, settings, identity_provider):
    closed = f"http://127.0.0.1:{free_port()}/openid"
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {"APPS": [identity_provider.app("surfconext", server_url=closed)]}
    }

    with page.expect_response(re.compile(r"/account/oidc/surfconext/login/")) as start:
        start_sign_in(page)

    assert start.value.status == 503
    expect(page.locator("[data-failure-reason=unreachable]")).to_contain_text("SURFconext")
    expect(page.get_by_role("link", name="Back to sign in")).to_be_visible()
    assert not User.objects.exists()


def test_a_provider_that_goes_down_mid_sign_in_gives_a_friendly_page(page, oidc_apps):
    start_sign_in(page)
    sign_in_at_provider(page, "ada")
    closed = f"http://127.0.0.1:{free_port()}/openid"

    def provider_goes_down(url: str) -> str:
        # Between consent and the code exchange: discovery and token endpoint now fail.
        _point_apps_at(oidc_apps, closed)
        return url

    _on_return_from_provider(page, provider_goes_down)

    with page.expect_response(re.compile(r"/login/callback/\?")) as callback:
        consent(page)

    assert callback.value.status == 503
    expect(page.locator("[data-failure-reason=unreachable]")).to_be_visible()
    assert not User.objects.exists()


def _on_return_from_provider(page, change_url) -> None:
    """Let the provider answer the consent form, then change the redirect back to Samenspel
    (Chromium does not let a route intercept the redirected request itself)."""

    def handle(route):
        if route.request.method != "POST":
            route.continue_()
            return
        response = route.fetch(max_redirects=0)
        headers = {**response.headers, "location": change_url(response.headers["location"])}
        route.fulfill(response=response, headers=headers)

    page.route(re.compile(r"/openid/authorize"), handle)


def _point_apps_at(identity_provider, server_url: str) -> None:
    from django.conf import settings

    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {"APPS": [identity_provider.app("surfconext", server_url=server_url)]}
    }
