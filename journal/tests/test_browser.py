"""A facilitator posts a journal entry with a value story in real Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from communities.tests.factories import make_community
from instruments.tests.factories import InstrumentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, user) -> None:
    page.goto("/account/login/")
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord").fill("correct horse battery")
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("button", name="Aanmelden")).to_have_count(0)


def test_a_facilitator_posts_an_entry_with_a_value_story(page):
    facilitator = UserFactory(name="Fien Facilitator")
    community = make_community(facilitator=facilitator, name="Wijk van de toekomst")
    InstrumentFactory(n="canvas", title="Opgave-canvas", title_en="Challenge canvas")
    journal = f"/en/communities/{community.slug}/journaal/"

    _log_in(page, facilitator)
    page.goto(journal)
    page.locator("#add-entry").click()
    expect(page).to_have_url(re.compile(r"/journaal/nieuw/$"))

    page.locator("#id_kind").select_option("work_session")
    page.locator("#id_date").fill("2025-05-12")
    page.locator("#id_title").fill("Eerste actiesprint")
    page.locator("#id_phase").select_option("uitvoeren")
    page.locator("#id_sub_phase").select_option("sprint")
    page.locator("#id_sprint_number").fill("1")
    page.locator("#id_text").fill("We hebben met **bewoners** een prototype getest.")
    page.get_by_label("Challenge canvas").check()
    page.locator("#id_stories-0-cycle").select_option("potential")
    page.locator("#id_stories-0-text").fill("Bewoners en gemeente kennen elkaar nu.")
    page.locator("#save-entry").click()

    # Potential value needs its kind of capital: the summary says so and links to the field.
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    alert.locator('a[href="#id_stories-0-capital"]').click()
    expect(page.locator("#id_stories-0-capital")).to_be_focused()
    expect(page.locator("#id_title")).to_have_value("Eerste actiesprint")
    page.locator("#id_stories-0-capital").select_option("social")
    page.locator("#save-entry").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Eerste actiesprint")
    expect(page.locator(".messages")).to_contain_text("added")
    expect(page.get_by_role("link", name="Challenge canvas")).to_be_visible()

    page.goto(journal)
    entry = page.locator(".timeline article").first
    expect(entry).to_contain_text("Eerste actiesprint")
    expect(entry).to_contain_text("Action sprint 1")
    expect(entry).to_contain_text("Bewoners en gemeente kennen elkaar nu.")
    expect(entry).to_contain_text("Social capital")

    page.goto(f"/en/communities/{community.slug}/journaal/waarde/")
    potential = page.locator("tr.value-row--potential")
    expect(potential.locator("td").first).to_have_text("1")
    expect(potential.locator(".value-table__total")).to_have_text("1")
    expect(page.locator(".value-latest")).to_contain_text("Bewoners en gemeente kennen elkaar nu.")

    page.goto(f"/en/communities/{community.slug}/")
    section = page.locator("#journaal")
    expect(section).to_contain_text("Eerste actiesprint")
    expect(section.locator("tr.value-row--potential .value-table__total")).to_have_text("1")
