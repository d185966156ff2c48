"""The Atom feed of a search: the same query and filters as the page, the first 20 results,
and never what the reader may not see (feed readers come without a session)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from django.test import Client

from accounts.tests.factories import UserFactory
from communities.tests.factories import add_member, make_community
from experiences.tests.factories import make_experience
from instruments.tests.factories import InstrumentFactory
from journal.tests.factories import make_entry
from search.views.results import FEED_SIZE

pytestmark = pytest.mark.django_db

FEED = "/zoeken/feed/"
ATOM = "{http://www.w3.org/2005/Atom}"


def _feed(client, params) -> ET.Element:
    response = client.get(FEED, params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own response, in a test
    assert root.tag == f"{ATOM}feed"
    return root


def _entries(root) -> list[dict]:
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "link": urlsplit(entry.find(f"{ATOM}link").get("href")).path,
            "absolute": entry.find(f"{ATOM}link").get("href"),
            "id": entry.findtext(f"{ATOM}id"),
            "summary": entry.findtext(f"{ATOM}summary") or "",
        }
        for entry in root.findall(f"{ATOM}entry")
    ]


def test_the_feed_is_atom_with_the_results(client):
    instrument = InstrumentFactory(
        title="Kruisbestuiving tussen sectoren", summary="Kruisbestuiving in de praktijk."
    )
    root = _feed(client, {"q": "kruisbestuiving"})
    # What Atom requires of a feed: id, title, updated, an author, and a self link.
    for element in ("id", "title", "updated"):
        assert root.findtext(f"{ATOM}{element}")
    assert root.find(f"{ATOM}author/{ATOM}name").text == "Samenspel"
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links["self"].endswith("/zoeken/feed/?q=kruisbestuiving")
    assert links["alternate"].endswith("/zoeken/?q=kruisbestuiving")
    entries = _entries(root)
    assert entries[0]["title"] == instrument.title
    assert entries[0]["link"] == instrument.get_absolute_url()
    assert all(entry["absolute"].startswith("http") for entry in entries)
    assert len({entry["id"] for entry in entries}) == len(entries)
    for entry in root.findall(f"{ATOM}entry"):
        assert entry.findtext(f"{ATOM}updated")


def test_the_feed_keeps_the_filters_and_holds_at_most_twenty(client):
    for i in range(FEED_SIZE + 5):
        InstrumentFactory(title=f"Luchtschipwerkvorm {i}", kind="canvas" if i % 2 else "checklist")
    everything = _entries(_feed(client, {"q": "luchtschipwerkvorm"}))
    assert len(everything) == FEED_SIZE
    canvases = _entries(_feed(client, {"q": "luchtschipwerkvorm", "soort": "canvas"}))
    assert len(canvases) == (FEED_SIZE + 5) // 2
    assert not _entries(_feed(client, {"q": "luchtschipwerkvorm", "type": "community"}))


def test_without_a_query_or_with_bad_input_the_feed_is_empty_but_valid(client):
    InstrumentFactory(title="Iets")
    assert _entries(_feed(client, {})) == []
    assert _entries(_feed(client, {"q": " ", "type": "nonsense", "page": "x"})) == []
    assert _feed(client, {"q": "iets " * 200})  # cut to 500 characters, no error


def test_the_page_links_its_feed_with_the_same_query_string(client):
    html = client.get("/zoeken/", {"q": "zorg energie", "type": "instrument"}).content.decode()
    assert (
        'rel="alternate" type="application/atom+xml"' in html
        or 'type="application/atom+xml"' in html
    )
    assert 'href="/zoeken/feed/?q=zorg+energie&amp;type=instrument"' in html


@pytest.fixture
def world(provider):
    facilitator = UserFactory()
    member = UserFactory()
    instrument = InstrumentFactory(title="Gewoon instrument")
    draft = InstrumentFactory(title="Zeppelinhaven ontwerp", status="draft", owner=provider)
    urls = {}
    for visibility in ("public", "members", "confidential"):
        community = make_community(
            facilitator=facilitator, visibility=visibility, name=f"Gemeenschap {visibility}"
        )
        add_member(community, member)
        experience = make_experience(
            instrument=instrument,
            author=facilitator,
            community=community,
            what_was_done="Wij bouwden een zeppelinhaven met de buurt.",
        )
        entry = make_entry(
            community=community,
            author=facilitator,
            title="Verslag zeppelinhaven",
            text="Over de zeppelinhaven.",
        )
        urls[visibility] = {
            experience.get_absolute_url(),
            entry.get_absolute_url(),
        }
    return {"urls": urls, "member": member, "draft": draft.get_absolute_url()}


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_the_feed_never_carries_hidden_content(world, who, client, outsider_client):
    reader = client if who == "anonymous" else outsider_client
    links = {entry["link"] for entry in _entries(_feed(reader, {"q": "zeppelinhaven"}))}
    assert world["urls"]["public"] <= links
    assert not links & (world["urls"]["members"] | world["urls"]["confidential"])
    assert world["draft"] not in links


def test_a_members_feed_has_their_communities_content(world):
    member = Client()
    member.force_login(world["member"])
    links = {entry["link"] for entry in _entries(_feed(member, {"q": "zeppelinhaven"}))}
    assert world["urls"]["members"] | world["urls"]["confidential"] <= links
