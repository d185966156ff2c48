"""The feed of new instruments and an instrument's experiences feed, read by feedparser
as a feed reader would: anonymous, so drafts and closed communities never show."""

from __future__ import annotations

import pytest

from feeds.tests.conftest import parse
from instruments.tests.factories import InstrumentFactory

pytestmark = pytest.mark.django_db

NEW_INSTRUMENTS = "/instrumenten/feed/"


def experiences_url(instrument) -> str:
    return f"/instrumenten/{instrument.slug}/ervaringen/feed/"


def test_new_instruments_feed_lists_published_instruments_newest_first(client, provider):
    older = InstrumentFactory(title="Oude kaart", organisation="Hogeschool Noord")
    newer = InstrumentFactory(title="Nieuwe kaart", phases=["starten", "uitvoeren"])
    InstrumentFactory(title="Geheim concept", status="draft", owner=provider)

    feed = parse(client.get(NEW_INSTRUMENTS))

    assert [entry.title for entry in feed.entries] == [newer.title, older.title]
    first, second = feed.entries
    assert first.link == f"http://127.0.0.1:8000{newer.get_absolute_url()}"
    assert "samenvatting" in first.summary
    assert [tag.term for tag in first.tags] == ["Starten", "Uitvoeren"]
    assert first.updated and first.published
    assert second.author == "Hogeschool Noord"
    assert feed.feed.links[0].href.startswith("http")
    assert {link.rel: link.href for link in feed.feed.links}["self"].endswith(NEW_INSTRUMENTS)


def test_draft_instruments_never_appear_in_the_new_instruments_feed(
    client, provider_client, provider
):
    InstrumentFactory(title="Zichtbaar")
    InstrumentFactory(title="Nog een ontwerp", status="draft", owner=provider)
    for reader in (client, provider_client):  # the owner's session changes nothing
        titles = [entry.title for entry in parse(reader.get(NEW_INSTRUMENTS)).entries]
        assert titles == ["Zichtbaar"]


def test_entry_ids_are_stable_across_requests_and_languages(client):
    InstrumentFactory(title="Blijvend")
    first = parse(client.get(NEW_INSTRUMENTS)).entries[0].id
    again = parse(client.get(NEW_INSTRUMENTS)).entries[0].id
    english = parse(client.get(f"/en{NEW_INSTRUMENTS}")).entries[0]
    assert first == again == english.id
    assert first.startswith("tag:127.0.0.1,")
    assert "/en/instrumenten/" in english.link  # the link follows the language, the id not


def test_the_experiences_feed_carries_only_what_anyone_may_read(
    client, outsider_client, world, member_token
):
    instrument = world["instrument"]
    public = {
        f"http://127.0.0.1:8000{world['experiences']['public'].get_absolute_url()}",
        f"http://127.0.0.1:8000{world['outside_experience'].get_absolute_url()}",
    }
    hidden = {
        f"http://127.0.0.1:8000{world['experiences'][v].get_absolute_url()}"
        for v in ("members", "confidential")
    }
    url = experiences_url(instrument)
    # Anonymous, an outsider's session, and even a member's token: a feed reader is anonymous.
    for response in (
        client.get(url),
        outsider_client.get(url),
        client.get(url, {"token": member_token}),
    ):
        feed = parse(response)
        links = {entry.link for entry in feed.entries}
        assert links == public
        assert not links & hidden
        assert "Gebruikt in de members" not in response.content.decode()
    entry = next(e for e in feed.entries if "Gemeenschap public" in e.title)
    assert entry.author == "Fenna Facilitator"
    assert "Gebruikt in de public gemeenschap." in entry.summary
    assert len({e.id for e in feed.entries}) == len(feed.entries)


def test_a_draft_instrument_has_no_experiences_feed(client, provider_client, provider):
    draft = InstrumentFactory(status="draft", owner=provider)
    assert client.get(experiences_url(draft)).status_code == 404
    assert provider_client.get(experiences_url(draft)).status_code == 404
    assert client.get("/instrumenten/bestaat-niet/ervaringen/feed/").status_code == 404


def test_an_instrument_without_experiences_has_a_valid_empty_feed(client):
    instrument = InstrumentFactory()
    assert parse(client.get(experiences_url(instrument))).entries == []


def test_feeds_answer_a_conditional_get_with_304(client):
    InstrumentFactory()
    response = client.get(NEW_INSTRUMENTS)
    last_modified = response["Last-Modified"]
    again = client.get(NEW_INSTRUMENTS, headers={"if-modified-since": last_modified})
    assert again.status_code == 304
    assert not again.content


def test_feeds_never_set_a_cookie_or_vary_on_one(client):
    InstrumentFactory()
    response = client.get(NEW_INSTRUMENTS)
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


def test_the_library_page_links_its_feed(client):
    html = client.get("/instrumenten/").content.decode()
    assert 'rel="alternate" type="application/atom+xml" href="/instrumenten/feed/"' in html
    assert '<a href="/instrumenten/feed/" type="application/atom+xml">' in html


def test_the_instrument_page_links_its_experiences_feed(client):
    instrument = InstrumentFactory()
    html = client.get(instrument.get_absolute_url()).content.decode()
    assert html.count(f'href="{experiences_url(instrument)}"') == 2  # <head> and the page
