"""The journey of issue 5 in one go, in Chromium: sign in with SURFconext through the local
OpenID provider (a new account), share an experience on a public instrument's page, and find
that experience again in the JSON API and in the instrument's Atom feed, read by independent
clients (Playwright's HTTP client, feedparser).
"""

from __future__ import annotations

import re

import feedparser
import pytest
from allauth.socialaccount.models import SocialAccount
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from accounts.tests.oidc_browser import accept_code_of_conduct, sign_in_with_provider
from experiences.models import Experience
from instruments.tests.factories import InstrumentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WHAT_WORKED = "Dot voting on the wall, five minutes per round"


def test_sign_in_with_surfconext_share_an_experience_and_find_it_in_api_and_feed(page, oidc_apps):
    instrument = InstrumentFactory(n="oidc-journey", title="Challenge canvas", sectors=["zorg"])

    sign_in_with_provider(page, "ada", "SURFconext")
    accept_code_of_conduct(page)
    expect(page).to_have_url(re.compile(r"/en/account/profiel/$"))
    (account,) = SocialAccount.objects.all()
    assert account.provider == "surfconext"
    # This journey is about the API and the feed: Ada is an established member here. (A new
    # account's first contributions wait for review; moderation/tests cover that.)
    User.objects.filter(pk=account.user_id).update(trusted_at=timezone.now())

    page.goto(f"/en{instrument.get_absolute_url()}")
    page.get_by_test_id("share-experience").click()
    form = page.get_by_test_id("experience-form")
    form.locator("[name=level]").select_option("meso")
    form.locator("[name=phase]").select_option("uitvoeren")
    form.locator("[name=what_was_done]").fill("A session with nurses and the municipality.")
    form.locator("[name=what_worked]").fill(WHAT_WORKED)
    form.locator("[name=rating][value='5']").check()
    form.locator("[name=would_recommend][value=yes]").check()
    page.get_by_test_id("experience-submit").click()
    expect(page.get_by_test_id("where-it-worked-summary")).to_have_attribute("data-count", "1")
    experience = Experience.objects.get()
    assert experience.author == account.user

    api = page.request.get(f"/api/v1/experiences?instrument={instrument.slug}")
    assert api.status == 200
    (item,) = api.json()["items"]
    assert (item["id"], item["instrument"], item["rating"]) == (
        experience.pk,
        instrument.slug,
        5,
    )
    assert item["what_worked"] == WHAT_WORKED

    feed_response = page.request.get(f"/instrumenten/{instrument.slug}/ervaringen/feed/")
    assert feed_response.status == 200
    feed = feedparser.parse(feed_response.body())
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    (entry,) = feed.entries
    assert WHAT_WORKED in entry.summary
