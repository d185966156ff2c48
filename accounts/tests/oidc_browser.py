"""Steps of a sign-in through the local OpenID provider, in Chromium (see conftest.py)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from accounts.tests.conftest import PASSWORD

AT_PROVIDER = re.compile(r"^http://127\.0\.0\.1:\d+/(login|openid)/")


def start_sign_in(page: Page, provider_name: str = "SURFconext", *, language: str = "en") -> None:
    """On Samenspel's login page (English, or Dutch with ``language="nl"``), choose the
    identity provider (by its form's address: the Dutch label comes from the catalogue)."""
    page.goto("/account/login/" if language == "nl" else f"/{language}/account/login/")
    page.locator(f"form[action*='/oidc/{provider_name.lower()}/login/'] button").click()


def sign_in_at_provider(page: Page, username: str) -> None:
    """The provider's own login form (skipped when the browser is still signed in there)."""
    page.wait_for_url(AT_PROVIDER)
    if "/login/" in page.url:
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in at the provider").click()


def consent(page: Page, *, allow: bool = True) -> None:
    page.get_by_role("button", name="Authorize" if allow else "Decline").click()


def sign_in_with_provider(
    page: Page, username: str, provider_name: str = "SURFconext", *, language: str = "en"
) -> None:
    start_sign_in(page, provider_name, language=language)
    sign_in_at_provider(page, username)
    consent(page)


def accept_code_of_conduct(page: Page) -> None:
    """A new account is asked once, on its first page, to accept the code of conduct
    (``accounts.security.CodeOfConductMiddleware``); it then goes on to where it was headed."""
    page.wait_for_url(re.compile(r"/gedragscode/accepteren/"))
    form = page.get_by_test_id("accept-code-of-conduct")
    form.locator("[name=accept_code_of_conduct]").check()
    form.locator("button[type=submit]").click()


def sign_out(page: Page) -> None:
    page.goto("/en/")
    page.locator("header form[action$='/logout/'] button").click()
    expect(page.locator("header form[action$='/logout/']")).to_have_count(0)
