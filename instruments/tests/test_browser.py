"""Main journeys of the library in real Chromium (Debian's package, driven by Playwright)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from instruments.tests.factories import InstrumentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_to_a_phase_to_an_instrument(page):
    InstrumentFactory(
        n="wicked",
        title="Wicked problem check",
        phases=["starten"],
        kind="checklist",
        steps=["Beschrijf de opgave", "Toets de kenmerken"],
    )

    page.goto("/")
    page.get_by_role("link", name="Starten").first.click()
    expect(page).to_have_url(re.compile(r"/fasen/starten/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Starten")
    page.get_by_role("link", name="Wicked problem check").first.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Wicked problem check")
    expect(page.get_by_text("Toets de kenmerken")).to_be_visible()


def test_a_provider_fixes_a_form_error_and_saves(page, provider):
    page.goto("/account/login/")
    page.get_by_label("E-mailadres").fill(provider.email)
    page.get_by_label("Wachtwoord").fill("correct horse battery")
    page.get_by_role("button", name="Aanmelden").click()

    page.goto("/instrumenten/nieuw/")
    page.get_by_label("Titel", exact=True).fill("Mijn nieuwe canvas")
    page.get_by_role("button", name="Opslaan").click()

    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("Samenvatting")
    expect(page.get_by_label("Titel", exact=True)).to_have_value("Mijn nieuwe canvas")

    page.get_by_label("Samenvatting").fill("Een canvas om de opgave scherp te krijgen.")
    page.get_by_label("Starten").check()
    page.get_by_label("Soort").select_option("canvas")
    page.get_by_role("button", name="Opslaan").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn nieuwe canvas")
    expect(page.get_by_role("status")).to_contain_text("opgeslagen")
