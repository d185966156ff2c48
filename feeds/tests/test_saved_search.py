"""Saved searches: "Save this search" on the results page for signed-in people, listed on
the profile with the search's page and its Atom feed (``/zoeken/feed/``), which a feed
reader (feedparser) reads as anonymous."""

from __future__ import annotations

import pytest
from django.test import Client

from feeds.models import SavedSearch
from feeds.services import MAX_SAVED_SEARCHES
from feeds.tests.conftest import parse
from instruments.tests.factories import InstrumentFactory

pytestmark = pytest.mark.django_db

SAVE = "/account/feeds/zoekopdrachten/"
PROFILE = "/en/account/profiel/"


def test_signed_in_people_get_a_save_form_on_the_results_page(client, outsider_client):
    InstrumentFactory(title="Zeilschip")
    form = 'data-testid="save-search"'
    assert form in outsider_client.get("/zoeken/", {"q": "zeilschip"}).content.decode()
    assert form not in client.get("/zoeken/", {"q": "zeilschip"}).content.decode()
    assert form not in outsider_client.get("/zoeken/").content.decode()  # nothing to save yet
    htmx = outsider_client.get("/zoeken/", {"q": "zeilschip"}, headers={"hx-request": "true"})
    assert form in htmx.content.decode()  # the form follows the search as htmx refreshes it


def test_saving_keeps_the_query_and_filters_and_drops_the_rest(outsider, outsider_client):
    response = outsider_client.post(
        SAVE,
        {"q": "  zeil   schip ", "type": ["instrument", "onzin"], "fase": "starten",
         "page": "3", "name": "Zeilen"},
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == "/zoeken/?q=zeil+schip&type=instrument&fase=starten"
    saved = SavedSearch.objects.get(user=outsider)
    assert saved.name == "Zeilen"
    assert saved.query_string == "q=zeil+schip&type=instrument&fase=starten"


def test_saving_the_same_search_again_renames_it(outsider, outsider_client):
    outsider_client.post(SAVE, {"q": "zeilschip", "name": ""})
    assert SavedSearch.objects.get(user=outsider).name == "zeilschip"  # named after the words
    outsider_client.post(SAVE, {"q": "zeilschip", "name": "Boten"})
    assert list(SavedSearch.objects.values_list("name", flat=True)) == ["Boten"]


def test_an_empty_search_or_a_too_long_name_is_refused_with_a_message(outsider_client):
    response = outsider_client.post(f"/en{SAVE}", {"q": "  "}, follow=True)
    assert "There is nothing to save" in response.content.decode()
    response = outsider_client.post(f"/en{SAVE}", {"q": "boot", "name": "x" * 101}, follow=True)
    assert response.redirect_chain[-1][0] == "/en/zoeken/?q=boot"  # back to the search
    assert "at most 100 characters" in response.content.decode()
    assert not SavedSearch.objects.exists()


def test_there_is_a_limit_on_saved_searches(outsider, outsider_client):
    SavedSearch.objects.bulk_create(
        SavedSearch(user=outsider, name=f"s{i}", query_string=f"q=s{i}")
        for i in range(MAX_SAVED_SEARCHES)
    )
    response = outsider_client.post(f"/en{SAVE}", {"q": "nog een"}, follow=True)
    assert "the most allowed" in response.content.decode()
    assert SavedSearch.objects.count() == MAX_SAVED_SEARCHES


def test_the_profile_lists_saved_searches_with_their_page_and_a_feed_that_parses(
    outsider, outsider_client
):
    instrument = InstrumentFactory(title="Kruisbestuiving tussen sectoren")
    outsider_client.post(SAVE, {"q": "kruisbestuiving", "type": "instrument", "name": "Kruis"})
    html = outsider_client.get(PROFILE).content.decode()
    assert 'href="/en/zoeken/?q=kruisbestuiving&amp;type=instrument">Kruis</a>' in html
    feed_url = "http://testserver/en/zoeken/feed/?q=kruisbestuiving&amp;type=instrument"
    assert f'href="{feed_url}"' in html

    reader = Client()  # a feed reader: no session
    feed = parse(reader.get("/zoeken/feed/", {"q": "kruisbestuiving", "type": "instrument"}))
    assert [entry.title for entry in feed.entries] == [instrument.title]
    assert feed.entries[0].link.endswith(instrument.get_absolute_url())
    assert feed.entries[0].link.startswith("http")


def test_only_the_owner_removes_a_saved_search(outsider, outsider_client, provider_client):
    outsider_client.post(SAVE, {"q": "zeilschip"})
    saved = SavedSearch.objects.get()
    url = f"/account/feeds/zoekopdrachten/{saved.pk}/verwijderen/"
    assert provider_client.post(url).status_code == 404  # someone else's looks missing
    assert Client().post(url).status_code == 302  # anonymous: to the login page
    assert outsider_client.get(url).status_code == 405
    assert SavedSearch.objects.exists()
    response = outsider_client.post(url)
    assert response["Location"].endswith("#feeds")
    assert not SavedSearch.objects.exists()


def test_saving_wants_a_signed_in_post(client, outsider_client):
    assert "/account/login/" in client.post(SAVE, {"q": "x"})["Location"]
    assert outsider_client.get(SAVE, {"q": "x"}).status_code == 405
    assert not SavedSearch.objects.exists()
