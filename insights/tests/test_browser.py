"""The charts draw in real Chromium from their JSON, with the tables still beside them."""

from __future__ import annotations

import os

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from communities.tests.factories import make_community
from experiences.tests.factories import make_experience
from insights.models import InstrumentViewDay
from instruments.tests.factories import InstrumentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, user) -> None:
    page.goto("/account/login/")
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord").fill("correct horse battery")
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("button", name="Aanmelden")).to_have_count(0)


def test_a_provider_sees_each_chart_drawn_beside_its_table(page):
    provider = UserFactory(is_provider=True)
    facilitator = UserFactory()
    instrument = InstrumentFactory(owner=provider, phases=["starten", "uitvoeren"])
    community = make_community(facilitator=facilitator, region="Utrecht")
    make_experience(
        instrument=instrument, author=facilitator, community=community, level="micro", rating=4
    )
    InstrumentViewDay.objects.create(instrument=instrument, day=timezone.localdate(), views=12)

    _log_in(page, provider)
    page.goto(f"/en/instrumenten/{instrument.slug}/inzichten/")

    canvases = page.locator("figure.insight-chart canvas[role=img]")
    expect(canvases).to_have_count(5)
    for index in range(5):
        expect(canvases.nth(index)).to_be_visible()
    drawn = page.evaluate(
        """() => [...document.querySelectorAll("figure[data-chart]")].map((figure) => {
            const chart = Chart.getChart(document.getElementById(figure.dataset.chart));
            const source = document.getElementById(figure.dataset.chart + "-data");
            const data = JSON.parse(source.textContent);
            return chart !== undefined
                && JSON.stringify(chart.data.labels) === JSON.stringify(data.labels)
                && JSON.stringify(chart.data.datasets.map((d) => d.data))
                   === JSON.stringify(data.series.map((s) => s.values));
        })"""
    )
    assert drawn == [True] * 5
    expect(page.get_by_role("table", name="Views per week, last 26 weeks")).to_be_visible()
    if os.environ.get("INSIGHTS_SCREENSHOT"):
        page.screenshot(path=os.environ["INSIGHTS_SCREENSHOT"], full_page=True)
