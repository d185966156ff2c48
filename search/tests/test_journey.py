"""The "describe your situation" journey in real Chromium: type a situation, submit, open a
recommended instrument."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from instruments.tests.factories import InstrumentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SITUATION = (
    "Onze energiecoöperatie wil de wijk aardgasvrij maken. De bewoners haken af, de partners "
    "zijn het eens maar er gebeurt niets."
)


def test_a_facilitator_describes_a_situation_and_opens_a_recommended_instrument(page):
    text = "Als bewoners van de wijk afhaken en er niets gebeurt in de energiecoöperatie."
    InstrumentFactory(
        n="bewonersbord",
        title="Bewonersbord aardgasvrije wijk",
        phases=["uitvoeren"],
        summary=text,
        description=text,
        steps=["Zet de bewoners aan tafel", "Kies samen de eerste stap"],
    )

    page.goto("/situatie/")
    situation = page.locator("textarea[name='tekst']")
    situation.fill("Te kort.")
    page.get_by_test_id("situation-submit").click()

    expect(page.get_by_role("alert")).to_be_visible()
    expect(situation).to_have_value("Te kort.")

    situation.fill(SITUATION)
    page.get_by_test_id("situation-submit").click()

    results = page.get_by_test_id("situation-results")
    expect(results).to_be_visible()
    group = results.locator("[data-testid='phase-group'][data-phase='uitvoeren']")
    expect(group).to_be_visible()
    group.get_by_role("link", name="Bewonersbord aardgasvrije wijk").click()

    expect(page).to_have_url(re.compile(r"/instrumenten/instrument-bewonersbord/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bewonersbord aardgasvrije wijk")
    expect(page.get_by_text("Kies samen de eerste stap")).to_be_visible()
