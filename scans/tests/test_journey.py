"""A scan round at a meeting, in real Chromium at phone width (390×844, touch):

a facilitator starts a round of a scan in the community and shows the QR code; three
members open the short link on their phones, sign in and answer (one of them with the
keyboard only); the facilitator closes the round and the results show the discussion
point, the distributions, mean and spread, and the open answers without names.

The pages are Dutch by default and partly untranslated, so elements are found by ids,
names, classes and form actions rather than by their text.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from communities.tests.factories import add_member, make_community
from instruments.tests.factories import InstrumentFactory
from scans import services
from scans.definitions import ItemSpec
from scans.models import ItemScale, Round

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}

GOAL = "We delen een doel dat we samen beter bereiken dan ieder apart."
HEARD = "Iedereen wordt gehoord in onze bijeenkomsten."
FOCUS = "Waar ligt de nadruk van onze samenwerking?"
SHARED = "Hebben we dit halfjaar resultaten buiten de community gedeeld?"
FIRST = "Wat moet er eerst gebeuren?"

MEMBERS = ("Anouk Aalders", "Bram Bakker", "Chantal Claes")
OPEN_ANSWERS = (
    "Een gezamenlijke planning maken.",
    "Afspreken wie de bewoners informeert.",
    "Eerst het doel opnieuw bespreken.",
)


def _phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="nl-NL", **PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def _sign_in(page, email: str) -> None:
    """On the (Dutch) login page the browser is on; waits until signed in."""
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form[action*='/login/'] button[type=submit]").first.click()
    expect(page.locator("form[action$='/logout/']")).to_have_count(1)


def _assert_no_horizontal_scroll(page) -> None:
    """Also against the phone's width itself: a mobile browser zooms out of a page that is
    too wide, which widens ``innerWidth`` along with it."""
    scroll_width, inner_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]"
    )
    limit = min(inner_width, PHONE["viewport"]["width"]) + 1
    assert scroll_width <= limit, f"horizontal scrolling at phone width: {scroll_width}px"


def _choice(page, key: str, value):
    return page.locator(f"input[name='item-{key}'][value='{value}']")


def _answer_by_tap(page, keys, *, goal: int, focus: str, open_answer: str) -> None:
    _choice(page, keys[GOAL], goal).tap()
    _choice(page, keys[HEARD], 4).tap()
    page.locator(f"#input-{keys[FOCUS]}").fill(focus)
    _choice(page, keys[SHARED], 1).tap()
    page.locator(f"#input-{keys[FIRST]}").fill(open_answer)
    page.locator("form.scan-answer-form button[type=submit]").tap()


def _answer_by_keyboard(page, keys, open_answer: str) -> None:
    """Agreement 1 on GOAL, 4 on HEARD, slider one step to the right, Yes, an open answer,
    and send, with Tab, Space, arrows and Enter only (after focusing the first answer)."""
    first_radio = _choice(page, keys[GOAL], 1)
    first_radio.focus()
    keyboard = page.keyboard
    keyboard.press("Space")  # 1 = fully disagree
    expect(first_radio).to_be_checked()
    keyboard.press("Tab")  # into the next radio group, at its first option
    keyboard.press("Space")
    for _step in range(3):
        keyboard.press("ArrowRight")  # arrows move and check: 2, 3, 4
    expect(_choice(page, keys[HEARD], 4)).to_be_checked()
    keyboard.press("Tab")  # the slider, at its middle
    slider = page.locator(f"#input-{keys[FOCUS]}")
    expect(slider).to_be_focused()
    keyboard.press("ArrowRight")
    expect(slider).to_have_value("4")
    keyboard.press("Tab")  # yes/no, "Yes" first
    keyboard.press("Space")
    expect(_choice(page, keys[SHARED], 1)).to_be_checked()
    keyboard.press("Tab")
    textarea = page.locator(f"#input-{keys[FIRST]}")
    expect(textarea).to_be_focused()
    keyboard.type(open_answer)
    keyboard.press("Tab")
    expect(page.locator("form.scan-answer-form button[type=submit]")).to_be_focused()
    keyboard.press("Enter")


def test_a_round_from_qr_code_to_results_on_phones(browser, live_server):
    facilitator = UserFactory(name="Fenna Facilitator", email="fenna@example.org")
    members = [
        UserFactory(name=name, email=f"{name.split()[0].lower()}@example.org") for name in MEMBERS
    ]
    community = make_community(facilitator=facilitator, name="Warmte in de wijk")
    for member in members:
        add_member(community, member, "member")
    owner = UserFactory(name="Piet Aanbieder", is_provider=True)
    scan = services.scan_create(
        user=owner,
        instrument=InstrumentFactory(owner=owner),
        title="Samenwerkingsscan",
        instructions="Beantwoord op je eigen gevoel; niemand ziet je antwoorden.",
        items=[
            ItemSpec(text=GOAL, scale=ItemScale.AGREEMENT),
            ItemSpec(text=HEARD, scale=ItemScale.AGREEMENT),
            ItemSpec(text=FOCUS, scale=ItemScale.BIPOLAR, left_pole="Intern", right_pole="Extern"),
            ItemSpec(text=SHARED, scale=ItemScale.YES_NO),
            ItemSpec(text=FIRST, scale=ItemScale.OPEN),
        ],
    )
    keys = {item.text: item.key for item in services.current_version(scan).items.all()}

    # The facilitator starts a round from the scan's page.
    context, page = _phone(browser, live_server)
    try:
        page.goto("/account/login/")
        _sign_in(page, facilitator.email)
        page.goto(scan.get_absolute_url())
        page.locator(f"a[href^='/scans/{scan.pk}/ronde-starten/']").tap()
        page.wait_for_url(re.compile(r"/ronde-starten/"))
        page.locator("#id_title").fill("Startbijeenkomst 12 maart")
        expect(page.locator("#id_closes_on")).not_to_have_value("")
        page.locator("form[action$='/ronde-starten/'] button[type=submit]").tap()
        page.wait_for_url(re.compile(r"/scans/rondes/[a-z0-9]+/$"))
        round_ = Round.objects.get()
        assert round_.community == community
        expect(page.get_by_role("heading", level=1)).to_have_text("Startbijeenkomst 12 maart")
        qr = page.locator("img.scan-share__qr")
        expect(qr).to_be_visible()
        page.wait_for_function(  # the SVG loaded and drew (not a broken-image icon)
            "() => { const qr = document.querySelector('img.scan-share__qr');"
            " return qr.complete && qr.naturalWidth > 0; }"
        )
        expect(page.locator("a.scan-share__link")).to_contain_text(f"/s/{round_.code}/")
        _assert_no_horizontal_scroll(page)

        # Three members scan the QR code: the short link, sign in, answer.
        answers = [
            # (goal, slider) — GOAL gets 1, 5, 5: a clear discussion point.
            None,  # keyboard only: GOAL 1, HEARD 4, slider 4, Yes
            (5, "3"),
            (5, "3"),
        ]
        for member, open_answer, tapped in zip(members, OPEN_ANSWERS, answers, strict=True):
            member_context, phone = _phone(browser, live_server)
            try:
                phone.goto(f"/s/{round_.code}/")
                phone.wait_for_url(re.compile(r"/login/"))
                _sign_in(phone, member.email)
                phone.wait_for_url(re.compile(rf"/scans/rondes/{round_.code}/antwoorden/$"))
                expect(phone.locator("form.scan-answer-form")).to_be_visible()
                _assert_no_horizontal_scroll(phone)
                if tapped is None:
                    _answer_by_keyboard(phone, keys, open_answer)
                else:
                    goal, focus = tapped
                    _answer_by_tap(phone, keys, goal=goal, focus=focus, open_answer=open_answer)
                phone.wait_for_url(re.compile(rf"/scans/rondes/{round_.code}/$"))
                expect(phone.locator("#round-status")).to_be_visible()
                expect(
                    phone.locator(f"a[href$='/rondes/{round_.code}/antwoorden/']")
                ).to_be_visible()
            finally:
                member_context.close()
        assert round_.responses.count() == 3

        # The facilitator closes the round at the meeting and shows the results.
        page.reload()
        page.locator("form[action$='/sluiten/'] button[type=submit]").tap()
        page.wait_for_url(re.compile(rf"/scans/rondes/{round_.code}/$"))
        expect(page.locator("form[action$='/sluiten/']")).to_have_count(0)
        expect(page.locator(".scan-results")).to_be_visible()

        disputed = page.locator(".scan-result--disputed")
        expect(disputed).to_have_count(1)
        expect(disputed).to_contain_text(GOAL)
        expect(disputed.locator(".tag--disputed")).to_be_visible()
        expect(page.locator(".scan-discussion")).to_contain_text(GOAL)
        # GOAL: 1, 5, 5 → mean 3.7, spread 1.9 (population standard deviation).
        expect(disputed.locator(".scan-result__figures")).to_contain_text(
            re.compile(r"3[.,]7\D+1[.,]9")
        )
        result = page.locator(f".scan-result#item-{keys[HEARD]}")
        expect(result.locator(".scan-result__figures")).to_contain_text(re.compile(r"4[.,]0"))
        # Distributions as meters: 5 per agreement and slider item, 2 for yes/no.
        expect(page.locator(".scan-result-list meter")).to_have_count(5 + 5 + 5 + 2)
        expect(disputed.locator("meter[value='2']")).to_have_count(1)
        expect(page.locator(".scan-result__figures")).to_have_count(4)

        open_answers = page.locator(".scan-open-answers li")
        expect(open_answers).to_have_count(3)
        for text in OPEN_ANSWERS:
            expect(open_answers.filter(has_text=text)).to_have_count(1)
        content = page.content()
        for name in MEMBERS:
            assert name not in content
            assert name.split()[0] not in content
        _assert_no_horizontal_scroll(page)
    finally:
        context.close()
