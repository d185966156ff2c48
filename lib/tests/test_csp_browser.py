"""The Content-Security-Policy in a real browser: the main pages load in Chromium without
a single CSP violation or JavaScript error (an inline script or style, a CDN, an eval in
a library would show up here first)."""

from __future__ import annotations

import datetime

import pytest

from communities.tests.factories import make_community
from instruments.tests.factories import InstrumentFactory
from journal.services import journal_entry_create
from questions.services import answer_create, question_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(provider, outsider):
    instrument = InstrumentFactory(owner=provider, description="Een **beschrijving**.")
    community = make_community(facilitator=provider)
    journal_entry_create(
        user=provider,
        community=community,
        kind="meeting",
        date=datetime.date(2025, 3, 1),
        title="Startbijeenkomst",
        phase="starten",
        text="Verslag met [een link](https://example.org/).",
    )
    question = question_create(user=outsider, title="Wie kent een goede werkvorm?")
    answer_create(user=provider, question=question, body="Deze.", instruments=[instrument])
    return {"instrument": instrument, "community": community, "question": question}


def _watch(page) -> list[str]:
    """Collect every CSP report and JS error the page produces."""
    problems: list[str] = []

    def on_console(message):
        text = message.text
        # A missing resource is reported by on_response below, with its address.
        if text.startswith("Failed to load resource"):
            return
        if message.type == "error" or "Content Security Policy" in text:
            problems.append(f"{page.url} console {message.type}: {text[:160]}")

    def on_response(response):
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            problems.append(f"{page.url}: {response.status} for {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda error: problems.append(f"{page.url} page error: {error}"))
    return problems


def test_the_main_pages_load_without_csp_violations_or_errors(page, live_server, world):
    problems = _watch(page)
    paths = [
        "/",
        "/instrumenten/",
        f"/instrumenten/{world['instrument'].slug}/",
        f"/communities/{world['community'].slug}/",
        f"/communities/{world['community'].slug}/journaal/",
        "/zoeken/?q=werkvorm",
        f"/vragen/{world['question'].pk}/",
        "/account/login/",
        "/en/",
    ]
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")

    assert problems == []


def test_the_api_docs_load_under_the_policy(page, live_server):
    problems = _watch(page)

    page.goto(live_server.url + "/api/v1/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=15_000)

    assert problems == []


def test_an_inline_script_is_blocked(page, live_server):
    """The policy is really enforced: a script the page did not ship never runs."""
    problems = _watch(page)
    page.goto(live_server.url + "/")

    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__ran = true'; document.body.appendChild(s); }"
    )

    assert page.evaluate("() => window.__ran === true") is False
    assert any("Content Security Policy" in p for p in problems)
