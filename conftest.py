"""Personas shared by every app's tests: the roles that matter for permissions.

anonymous (the plain ``client``), an outsider (signed in, no role), a provider who
owns instruments, a second provider, and staff. Everything else comes from factories.
"""

from __future__ import annotations

import os

import pytest
from django.test import Client

from accounts.tests.factories import UserFactory, signed_in_client

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM use there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def outsider(db):
    return UserFactory(name="Olga Buitenstaander")


@pytest.fixture
def provider(db):
    return UserFactory(name="Piet Aanbieder", is_provider=True)


@pytest.fixture
def other_provider(db):
    return UserFactory(name="Anna Andere", is_provider=True)


@pytest.fixture
def staff(db):
    return UserFactory(name="Sam Staf", is_staff=True)


@pytest.fixture
def outsider_client(outsider) -> Client:
    return signed_in_client(outsider)


@pytest.fixture
def provider_client(provider) -> Client:
    return signed_in_client(provider)


@pytest.fixture
def other_provider_client(other_provider) -> Client:
    return signed_in_client(other_provider)


@pytest.fixture
def staff_client(staff) -> Client:
    return signed_in_client(staff)


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (``make test`` installs it; never downloaded)."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _site_language():
    """Start every test in the site's language: a request under /en/ leaves English
    active in the thread, which would leak into the next test's URLs and messages."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def held_queue(settings, monkeypatch, django_capture_on_commit_callbacks):
    """Background tasks queued for real but run only when the test calls ``run(group, ...)``
    (``jobs/tests/held_queue.py``); the rest of the suite runs them inline."""
    from jobs.tests.held_queue import HeldQueue

    settings.TASKS_INLINE = False
    queue = HeldQueue(django_capture_on_commit_callbacks)
    monkeypatch.setattr("django_q.tasks.async_task", queue.accept)
    return queue
