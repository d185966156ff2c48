"""The two moderation journeys of issue 6, in real Chromium, through the pages only:

1. a reader reports a comment; a moderator (password and authenticator code) hides it from
   the queue; after that nobody sees it on the instrument's page;
2. a new account signs up (code of conduct ticked, e-mail confirmed) and asks a question; it
   waits for review, marked so for its author and absent for everyone else, until a moderator
   approves it.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import User
from accounts.tests.factories import current_totp_code
from comments.services import comment_create
from instruments.tests.factories import InstrumentFactory
from moderation.tests.factories import make_moderator
from questions.models import Question

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"
SPAM = "Cheap pills at pills.example, order today"


def _sign_in(page, email: str, password: str = PASSWORD, *, totp_secret: str = "") -> None:
    page.goto("/en/account/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("form[action$='/login/'] button[type=submit]").first.click()
    if totp_secret:
        page.locator("input[name=code]").fill(current_totp_code(totp_secret))
        page.locator("form[action$='/2fa/authenticate/'] button[type=submit]").first.click()
    expect(page.locator("form[action$='/logout/']")).to_have_count(1)


def _new_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def test_a_reported_comment_is_hidden_for_everyone_once_a_moderator_acts(
    browser, live_server, page, outsider, provider
):
    instrument = InstrumentFactory(n="reported", title="Stakeholder map")
    comment = comment_create(author=provider, target=instrument, body=SPAM)
    moderator = make_moderator(name="Mira Moderator")

    _sign_in(page, outsider.email)
    page.goto(f"/en{instrument.get_absolute_url()}")
    page.locator(f"#comment-{comment.pk}").get_by_test_id("report-link").click()
    page.get_by_label("Spam or advertising").check()
    page.locator("textarea[name=note]").fill("Advertising for pills.")
    page.get_by_test_id("report-submit").click()
    expect(page.locator("main")).to_contain_text("Thank you")

    context, moderator_page = _new_page(browser, live_server)
    try:
        _sign_in(moderator_page, moderator.email, totp_secret=moderator.totp_secret)
        moderator_page.goto("/en/moderatie/")
        row = moderator_page.get_by_test_id("queue-row").filter(has_text="Cheap pills")
        expect(row).to_have_count(1)
        row.get_by_role("link").first.click()
        hide = moderator_page.get_by_test_id("action-hide")
        hide.get_by_label("Reason for the author").fill("Advertising is not allowed here.")
        hide.locator("button[type=submit]").click()
        expect(moderator_page.locator(".messages")).not_to_be_empty()
    finally:
        context.close()

    page.goto(f"/en{instrument.get_absolute_url()}")
    expect(page.locator("main")).not_to_contain_text("Cheap pills")
    context, anonymous = _new_page(browser, live_server)
    try:
        anonymous.goto(f"/en{instrument.get_absolute_url()}")
        expect(anonymous.locator("h1")).to_contain_text(instrument.title_en or instrument.title)
        expect(anonymous.locator("main")).not_to_contain_text("Cheap pills")
    finally:
        context.close()
    comment.refresh_from_db()
    assert comment.is_hidden


def test_a_new_accounts_first_question_waits_for_review(browser, live_server, page):
    moderator = make_moderator(name="Mira Moderator")
    title = "Who has a canvas for a neighbourhood energy cooperative?"

    page.goto("/en/account/signup/")
    page.locator("input[name=email]").fill("new.member@example.org")
    page.locator("input[name=password1]").fill("a-long-password-42")
    page.locator("input[name=password2]").fill("a-long-password-42")
    page.locator("input[name=accept_code_of_conduct]").check()
    page.locator("form[action$='/signup/'] button[type=submit]").first.click()
    (message,) = mail.outbox
    confirm_path = re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)
    page.goto(confirm_path)
    page.locator("main form button[type=submit]").first.click()
    _sign_in(page, "new.member@example.org", "a-long-password-42")
    assert User.objects.get(email="new.member@example.org").trusted_at is None

    page.goto("/en/vragen/nieuw/")
    page.locator("input[name=title]").fill(title)
    page.locator("textarea[name=body]").fill("We start in January with twelve households.")
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator("h1")).to_contain_text(title)
    expect(page.locator("main")).to_contain_text("Pending review")
    question = Question.all_objects.get(title=title)
    assert question.is_pending

    context, anonymous = _new_page(browser, live_server)
    try:
        anonymous.goto("/en/vragen/")
        expect(anonymous.locator("main")).not_to_contain_text(title)
        assert anonymous.goto(f"/en/vragen/{question.pk}/").status == 404
    finally:
        context.close()

    context, moderator_page = _new_page(browser, live_server)
    try:
        _sign_in(moderator_page, moderator.email, totp_secret=moderator.totp_secret)
        moderator_page.goto("/en/moderatie/?show=held")
        row = moderator_page.get_by_test_id("queue-row").filter(has_text="neighbourhood energy")
        row.get_by_role("link").first.click()
        moderator_page.get_by_test_id("action-approve").locator("button[type=submit]").click()
        expect(moderator_page.locator(".messages")).not_to_be_empty()
    finally:
        context.close()

    context, anonymous = _new_page(browser, live_server)
    try:
        anonymous.goto("/en/vragen/")
        expect(anonymous.locator("main")).to_contain_text(title)
    finally:
        context.close()
