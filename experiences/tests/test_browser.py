"""Sharing an experience on an instrument's page, in real Chromium (Debian's package,
driven by Playwright): sign in, open the instrument, fill in the form on its page and see
the experience in "where it worked" without a full reload. A comment goes the same way.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from instruments.tests.factories import InstrumentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, user) -> None:
    page.goto("/account/login/")
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord").fill("correct horse battery")
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.locator("form[action$='/logout/']")).to_have_count(1)


def test_a_person_shares_an_experience_on_the_instrument_page(page, outsider):
    instrument = InstrumentFactory(n="journey", title="Wicked problem check", sectors=["energie"])
    _sign_in(page, outsider)

    page.goto(f"/en{instrument.get_absolute_url()}")
    summary = page.get_by_test_id("where-it-worked-summary")
    expect(summary).to_have_attribute("data-count", "0")
    page.evaluate("window.__samePage = true")  # gone if the page reloads

    page.get_by_test_id("share-experience").click()
    form = page.get_by_test_id("experience-form")
    form.locator("[name=sector]").select_option(label="Energy")
    form.locator("[name=level]").select_option("meso")
    form.locator("[name=phase]").select_option("uitvoeren")
    form.locator("[name=group_size]").fill("12")
    form.locator("[name=partners][value=business]").check()
    form.locator("[name=partners][value=citizens]").check()
    form.locator("[name=what_was_done]").fill("A work session with the challenge owners.")
    form.locator("[name=what_worked]").fill("Short rounds of five minutes")
    form.locator("[name=what_did_not]").fill("Too little time for step 3")
    form.locator("[name=rating][value='4']").check()
    form.locator("[name=would_recommend][value=yes]").check()
    page.get_by_test_id("experience-submit").click()

    expect(page.locator("#experience-status")).not_to_be_empty()
    expect(summary).to_have_attribute("data-count", "1")
    lesson = page.get_by_test_id("lesson")
    expect(lesson).to_contain_text("Short rounds of five minutes")
    expect(lesson).to_contain_text("Too little time for step 3")
    expect(page.locator("#where-it-worked table").first).to_contain_text("Energy")
    assert page.evaluate("window.__samePage === true")


def test_a_form_error_shows_in_place_and_can_be_fixed(page, outsider):
    instrument = InstrumentFactory(n="fix", title="Stakeholder map")
    _sign_in(page, outsider)

    page.goto(f"/en{instrument.get_absolute_url()}")
    page.get_by_test_id("share-experience").click()
    page.get_by_test_id("experience-submit").click()

    alert = page.locator("#where-it-worked [role=alert]")
    expect(alert).to_be_visible()
    form = page.get_by_test_id("experience-form")
    form.locator("[name=what_was_done]").fill("We mapped the stakeholders together.")
    form.locator("[name=rating][value='5']").check()
    form.locator("[name=would_recommend][value=no]").check()
    page.get_by_test_id("experience-submit").click()

    expect(page.get_by_test_id("where-it-worked-summary")).to_have_attribute("data-count", "1")


def test_a_person_comments_on_an_instrument_without_a_reload(page, outsider):
    instrument = InstrumentFactory(n="talk", title="Action sprint board")
    _sign_in(page, outsider)

    page.goto(f"/en{instrument.get_absolute_url()}")
    page.evaluate("window.__samePage = true")
    thread = page.get_by_test_id("comments")
    thread.locator("textarea[name=body]").fill("Works well with **sticky notes**.")
    page.get_by_test_id("comment-submit").click()

    expect(thread.locator("article.comment strong")).to_have_text("sticky notes")
    expect(thread.locator(".comments__status")).not_to_be_empty()
    assert page.evaluate("window.__samePage === true")
