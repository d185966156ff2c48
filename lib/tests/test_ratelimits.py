"""Rate limits on posting and reporting (lib/ratelimits.py) and on sign-in and sign-up
(allauth's ACCOUNT_RATE_LIMITS), each answered with 429 and templates/429.html."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from accounts.tests.factories import UserFactory
from instruments.tests.factories import InstrumentFactory
from lib.ratelimits import parse_rate
from questions.models import Question

pytestmark = pytest.mark.django_db

SMALL_RATES = {
    "login": "2/m",
    "signup": "2/m",
    "posting": "2/m",
    "reporting": "2/m",
    "api_anonymous": "2/m",
    "api_user": "2/m",
}


@pytest.fixture(autouse=True)
def small_rates(still_rate_window):
    cache.clear()
    with override_settings(
        RATE_LIMITS=SMALL_RATES, ACCOUNT_RATE_LIMITS={"login": "2/m/ip", "signup": "2/m/ip"}
    ):
        yield
    cache.clear()


def _ask(client, n: int):
    return client.post(
        "/en/vragen/nieuw/",
        {"title": f"Wie heeft een werkvorm nummer {n}?", "body": "", "phase": "ontwerpen"},
    )


def _assert_too_many(response) -> None:
    assert response.status_code == 429
    assert "429.html" in [template.name for template in response.templates]
    assert "Please slow down" in response.content.decode()


def test_posting_over_the_limit_is_answered_429_and_creates_nothing(outsider_client, outsider):
    assert [_ask(outsider_client, n).status_code for n in (1, 2)] == [302, 302]

    response = _ask(outsider_client, 3)

    _assert_too_many(response)
    assert "posted a lot in a short time" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert Question.all_objects.filter(author=outsider).count() == 2


def test_reading_a_form_does_not_count(outsider_client):
    for _ in range(3):
        assert outsider_client.get("/en/vragen/nieuw/").status_code == 200

    assert _ask(outsider_client, 1).status_code == 302


def test_the_limit_is_per_person(outsider_client, provider_client):
    for n in (1, 2):
        _ask(outsider_client, n)
    assert _ask(outsider_client, 3).status_code == 429

    assert _ask(provider_client, 4).status_code == 302


def test_all_kinds_of_posts_share_one_budget(outsider_client, outsider):
    instrument = InstrumentFactory()
    _ask(outsider_client, 1)
    _ask(outsider_client, 2)

    response = outsider_client.post(
        f"/en/reacties/instrument/{instrument.pk}/", {"body": "Mooi instrument."}
    )

    assert response.status_code == 429


def test_reporting_has_its_own_limit(outsider_client):
    instrument = InstrumentFactory()
    url = f"/en/melden/instrument/{instrument.pk}/"
    statuses = [outsider_client.post(url, {"reason": "spam"}).status_code for _ in range(3)]

    assert 429 not in statuses[:2]
    assert statuses[2] == 429
    # Posting is a separate budget.
    assert _ask(outsider_client, 1).status_code == 302


def test_login_over_the_limit_is_answered_429_with_our_page(outsider):
    client = Client()
    for _ in range(2):
        client.post("/en/account/login/", {"login": outsider.email, "password": "wrong"})

    response = client.post(
        "/en/account/login/", {"login": outsider.email, "password": "correct horse battery"}
    )

    _assert_too_many(response)
    assert client.get("/en/account/profiel/").status_code == 302


def test_sign_up_over_the_limit_is_answered_429_with_our_page():
    client = Client()
    for n in (1, 2):
        client.post("/en/account/signup/", {"email": f"nieuw{n}@example.org"})

    response = client.post(
        "/en/account/signup/",
        {
            "email": "nieuw3@example.org",
            "password1": "een-lang-wachtwoord-9",
            "password2": "een-lang-wachtwoord-9",
            "accept_code_of_conduct": "on",
        },
    )

    _assert_too_many(response)
    assert not UserFactory._meta.model.objects.filter(email="nieuw3@example.org").exists()


@pytest.mark.parametrize(
    ("rate", "parsed"), [("30/m", (30, 60)), ("5/10m", (5, 600)), ("100/d", (100, 86400))]
)
def test_rates_read_like_allauth_and_django_ratelimit_read_them(rate, parsed):
    assert parse_rate(rate) == parsed
