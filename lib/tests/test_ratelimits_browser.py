"""A comment sent too often, in Chromium: htmx does not swap a 429, so ``static/js/site.js``
shows the rate-limit message above the page and what was typed stays in the form."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import override_settings
from playwright.sync_api import expect

from experiences.tests.test_browser import _sign_in
from instruments.tests.factories import InstrumentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_rate_limited_comment_says_so_and_keeps_the_text(
    page, outsider, settings, still_rate_window
):
    instrument = InstrumentFactory(n="limited", title="Value wheel")
    _sign_in(page, outsider)
    cache.clear()
    with override_settings(RATE_LIMITS={**settings.RATE_LIMITS, "posting": "1/h"}):
        page.goto(f"/en{instrument.get_absolute_url()}")
        thread = page.get_by_test_id("comments")
        body = thread.locator("form:has([data-testid=comment-submit]) textarea[name=body]")
        body.fill("First thought")
        page.get_by_test_id("comment-submit").click()
        expect(thread.locator("article.comment")).to_have_count(1)

        body.fill("Second thought, too soon")
        page.get_by_test_id("comment-submit").click()
        expect(page.locator(".messages .message--error")).to_contain_text("Please slow down")
        expect(body).to_have_value("Second thought, too soon")
        expect(thread.locator("article.comment")).to_have_count(1)
    cache.clear()
