"""A facilitator starts a community, invites someone and writes the first journal entry
with a value story, in real Chromium.

The login form is allauth's Dutch one; the community pages are found by ids, names
and ``data-testid`` so the test does not depend on their (not yet translated) text.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from communities.models import Community
from instruments.services import sector_get_or_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"


def _sign_in(page, email: str) -> None:
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()


def test_a_facilitator_creates_a_community_and_an_invitee_joins(
    page, browser, live_server, provider
):
    sector_get_or_create("energie")
    invitee = UserFactory(name="Gijs Genodigde", email="gijs@example.org")

    page.goto("/account/login/")
    _sign_in(page, provider.email)
    page.goto("/communities/")
    page.get_by_test_id("new-community").click()

    page.locator("#id_name").fill("Warmte in de wijk")
    page.locator("#id_challenge").fill("Samen de wijk van het aardgas af.")
    page.locator("input[name=sectors][value=energie]").check()
    page.locator("#id_current_phase").select_option("starten")
    page.locator("input[name=visibility][value=confidential]").check()
    page.locator("input[name=climate][value='4']").check()
    page.get_by_test_id("save-community").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Warmte in de wijk")
    expect(page.get_by_test_id("viewer-role")).to_have_attribute("data-role", "facilitator")
    community = Community.objects.get()
    assert (community.visibility, community.climate) == ("confidential", 4)

    page.get_by_test_id("invite-link").click()
    page.locator("#id_email").fill(invitee.email)
    page.locator("#id_role").select_option("member")
    page.get_by_test_id("send-invitation").click()
    expect(page.get_by_test_id("open-invitations")).to_contain_text(invitee.email)

    [message] = mail.outbox
    assert message.to == [invitee.email]
    link = re.search(r"https?://\S+/communities/uitnodiging/\S+/", message.body).group(0)

    # The invitee, in a browser of their own, opens the link before signing in.
    context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    other = context.new_page()
    other.set_default_timeout(10_000)
    try:
        other.goto(link)
        other.get_by_test_id("invitation-login").click()
        _sign_in(other, invitee.email)
        other.get_by_test_id("accept-invitation").click()

        expect(other.get_by_role("heading", level=1)).to_have_text("Warmte in de wijk")
        expect(other.get_by_test_id("viewer-role")).to_have_attribute("data-role", "member")

        # The link worked once.
        response = other.goto(link)
        assert response.status == 410
        expect(other.get_by_test_id("invitation-gone")).to_be_visible()
    finally:
        context.close()

    page.goto(f"/communities/{community.slug}/leden/")
    expect(page.locator(f"[data-testid=member][data-email='{invitee.email}']")).to_have_attribute(
        "data-role", "member"
    )

    # The facilitator records the first step in the journal, with a value story.
    page.goto(f"/communities/{community.slug}/journaal/nieuw/")
    page.locator("#id_kind").select_option("meeting")
    page.locator("#id_date").fill("2025-10-01")
    page.locator("#id_title").fill("Startbijeenkomst met bewoners")
    page.locator("#id_phase").select_option("starten")
    page.locator("#id_stories-0-cycle").select_option("expected")
    page.locator("#id_stories-0-text").fill("Bewoners verwachten een eerlijk gesprek.")
    page.locator("#save-entry").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Startbijeenkomst met bewoners")
    page.goto(f"/communities/{community.slug}/")
    expect(page.locator("#journaal")).to_contain_text("Startbijeenkomst met bewoners")
    expect(page.locator("#journaal tr.value-row--expected .value-table__total")).to_have_text("1")
