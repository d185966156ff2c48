"""Counting views of an instrument's page: people count, bots and previews do not, and a
counted view costs exactly one statement."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from insights.models import InstrumentViewDay
from insights.services import do_instrument_view_record, is_bot_user_agent
from insights.tests.helpers import CURL, FIREFOX, GOOGLEBOT, browser_client
from instruments.tests.factories import InstrumentFactory

pytestmark = pytest.mark.django_db

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)
BOTS = [
    GOOGLEBOT,
    CURL,
    "python-requests/2.32.3",
    "Wget/1.21.4",
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/126.0.0.0 Safari/537.36",
    "",
]


@pytest.fixture
def instrument(provider):
    return InstrumentFactory(owner=provider)


def _views(instrument) -> int:
    return sum(
        InstrumentViewDay.objects.filter(instrument=instrument).values_list("views", flat=True)
    )


@pytest.mark.parametrize("user_agent", [FIREFOX, CHROME])
def test_a_browser_view_counts(instrument, user_agent):
    client = browser_client(user_agent=user_agent)
    assert client.get(instrument.get_absolute_url()).status_code == 200
    assert client.get(instrument.get_absolute_url()).status_code == 200
    assert _views(instrument) == 2


def test_a_signed_in_outsider_counts(instrument, outsider):
    browser_client(outsider).get(instrument.get_absolute_url())
    assert _views(instrument) == 1


@pytest.mark.parametrize("user_agent", BOTS)
def test_bots_and_scripts_do_not_count(instrument, user_agent):
    response = browser_client(user_agent=user_agent).get(instrument.get_absolute_url())
    assert response.status_code == 200
    assert _views(instrument) == 0


@pytest.mark.parametrize(
    "header",
    [
        {"HTTP_SEC_PURPOSE": "prefetch"},
        {"HTTP_SEC_PURPOSE": "prefetch;prerender"},
        {"HTTP_PURPOSE": "prefetch"},
        {"HTTP_X_MOZ": "prefetch"},
        {"HTTP_X_PURPOSE": "preview"},
    ],
)
def test_prefetch_and_prerender_do_not_count(instrument, header):
    browser_client().get(instrument.get_absolute_url(), **header)
    assert _views(instrument) == 0


def test_head_requests_do_not_count(instrument):
    browser_client().head(instrument.get_absolute_url())
    assert _views(instrument) == 0


def test_the_provider_and_staff_do_not_count_their_own_reading(instrument, provider, staff):
    browser_client(provider).get(instrument.get_absolute_url())
    browser_client(staff).get(instrument.get_absolute_url())
    assert _views(instrument) == 0


def test_counting_can_be_switched_off(instrument, settings):
    settings.INSIGHTS_COUNT_VIEWS = False
    browser_client().get(instrument.get_absolute_url())
    assert _views(instrument) == 0


def test_a_missing_page_counts_nothing(provider):
    draft = InstrumentFactory(owner=provider, status="draft")
    assert browser_client().get(draft.get_absolute_url()).status_code == 404
    assert not InstrumentViewDay.objects.exists()


def test_views_are_counted_per_day_in_one_row(instrument):
    day = datetime.date(2025, 3, 3)
    for _ in range(3):
        do_instrument_view_record(instrument=instrument, day=day)
    do_instrument_view_record(instrument=instrument, day=day + datetime.timedelta(days=1))
    rows = list(InstrumentViewDay.objects.filter(instrument=instrument).values_list("day", "views"))
    assert rows == [(day, 3), (day + datetime.timedelta(days=1), 1)]


def test_a_counted_view_is_one_statement_also_on_the_first_view_of_a_day(instrument):
    day = datetime.date(2025, 3, 3)
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            do_instrument_view_record(instrument=instrument, day=day)
        assert len(queries) == 1
        assert queries[0]["sql"].startswith("INSERT")


def test_counting_adds_one_query_to_the_page_and_skipping_adds_none(instrument):
    url = instrument.get_absolute_url()
    browser_client().get(url)  # warm the search index and the bot detector

    def count(user_agent):
        with CaptureQueriesContext(connection) as queries:
            assert browser_client(user_agent=user_agent).get(url).status_code == 200
        return len(queries)

    assert count(FIREFOX) == count(GOOGLEBOT) + 1


def test_the_bot_check_knows_people_from_bots():
    assert not is_bot_user_agent(FIREFOX)
    assert not is_bot_user_agent(CHROME)
    assert all(is_bot_user_agent(agent) for agent in BOTS)
