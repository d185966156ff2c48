"""The API's throttle (lib.ratelimits.ApiThrottle): 429 in the one error shape, per IP
address without a token and per account with one."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import override_settings

from api.tests.conftest import ApiClient, assert_error, token_for

pytestmark = pytest.mark.django_db

RATES = {
    "login": "100/m",
    "signup": "100/m",
    "posting": "100/m",
    "reporting": "100/m",
    "api_anonymous": "2/m",
    "api_user": "3/m",
}


@pytest.fixture(autouse=True)
def small_rates():
    cache.clear()
    with override_settings(RATE_LIMITS=RATES):
        yield
    cache.clear()


def test_anonymous_callers_over_the_limit_get_429_in_the_error_shape(anonymous_api):
    assert [anonymous_api.get("/instruments").status_code for _ in range(2)] == [200, 200]

    response = anonymous_api.get("/instruments")

    assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0


def test_a_token_caller_has_an_own_budget_per_account(outsider, provider):
    anonymous = ApiClient()
    for _ in range(2):
        anonymous.get("/instruments")
    assert anonymous.get("/instruments").status_code == 429

    first, second = ApiClient(token_for(outsider, "a")), ApiClient(token_for(outsider, "b"))
    statuses = [first.get("/instruments").status_code, second.get("/instruments").status_code]
    statuses.append(first.get("/instruments").status_code)
    assert statuses == [200, 200, 200]
    # Both tokens belong to one person: one budget.
    assert_error(second.get("/instruments"), 429, "throttled")
    # Another person is not affected.
    assert ApiClient(token_for(provider)).get("/instruments").status_code == 200


def test_writes_are_throttled_too(outsider):
    api = ApiClient(token_for(outsider))
    for _ in range(3):
        api.get("/instruments")

    response = api.post("/questions", {"title": "Wie heeft een werkvorm?", "phase": "ontwerpen"})

    assert_error(response, 429, "throttled")
