"""Every field a person can write, filled with known XSS payloads, on the real pages.

Each payload of ``xss_payloads.txt`` is stored through the services in every Markdown
and plain-text field of one object (and its short fields, cut to their length), and the
pages where the text appears are rendered: detail, lists, the search page, the Atom feeds
and the API. Two HTML parsers (the standard library's and lxml) then look for what a
payload could smuggle in: a ``<script>`` that is not the page's own, an event handler,
a ``javascript:``/``vbscript:``/``data:`` URL, a frame, object, embed, style, base, meta
refresh or a form. JSON-LD and ``json_script`` blocks must still parse, so a payload can
only be a string in them. One object per payload keeps each failure easy to read; the
lists, feeds and API are read once per kind.
"""

from __future__ import annotations

import datetime
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import lxml.html
import pytest
from django.test import Client
from django.urls import reverse

from accounts.services import profile_update
from accounts.tests.factories import UserFactory
from api.services import api_token_create
from comments.services import comment_create
from communities.tests.factories import add_member, make_community
from experiences.services import experience_create
from feeds.services import saved_search_create
from instruments.services import instrument_create
from instruments.tests.factories import InstrumentFactory
from journal.services import journal_entry_create
from knowledge.services import concept_update
from knowledge.tests.factories import make_concept
from questions.services import answer_create, question_create

PAYLOADS = [
    line.replace("\\n", "\n")
    for line in (Path(__file__).with_name("xss_payloads.txt")).read_text("utf-8").split("\n")
    if line.strip() and not line.startswith("#!")
]

URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "background", "data", "poster",
    "cite", "srcset", "lowsrc", "dynsrc", "codebase", "longdesc", "usemap", "ping",
}  # fmt: skip
FORBIDDEN_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "style"}
DATA_SCRIPT_TYPES = {"application/ld+json", "application/json"}
BAD_SCHEME = re.compile(r"^(javascript|vbscript|data):")
# Browsers drop ASCII whitespace and control characters inside a URL's scheme.
URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")


def test_the_corpus_holds_enough_known_payloads():
    assert len(PAYLOADS) >= 60
    assert len(set(PAYLOADS)) == len(PAYLOADS)


@pytest.mark.parametrize(
    "html",
    [
        "<p><script>alert(1)</script></p>",
        "<img src=x onerror=alert(1)>",
        '<a href=" jav&#x09;ascript:alert(1)">x</a>',
        '<a href="DATA:text/html,x">x</a>',
        "<iframe src=/x></iframe>",
        '<meta http-equiv="refresh" content="0">',
        "<form><button>x</button></form>",
        '<form method="post"><button>x</button></form>',
        '<script type="application/ld+json">{"name": "</script>',
        '<div style="color:red">x</div>',
        '<svg><a xlink:href="javascript:alert(1)">x</a></svg>',
    ],
)
def test_the_inspector_catches_what_it_looks_for(html):
    """The checks below would fail a page holding any of these."""
    assert html_problems(f"<!DOCTYPE html><html><body>{html}</body></html>")


def _tag_problems(tag: str, attrs: dict[str, str | None]) -> list[str]:
    """What is wrong with one start tag, whichever parser produced it."""
    problems = []
    if tag in FORBIDDEN_TAGS:
        problems.append(f"<{tag}> element")
    if tag == "meta" and "http-equiv" in attrs:
        problems.append("<meta http-equiv>")
    if tag == "script":
        src = attrs.get("src")
        if src is not None and not src.startswith("/static/"):
            problems.append(f"<script src={src!r}>")
        if src is None and (attrs.get("type") or "").lower() not in DATA_SCRIPT_TYPES:
            problems.append("inline executable <script>")
    if tag == "form":
        method = (attrs.get("method") or "get").lower()
        if method == "get" and not (attrs.get("action") or "").startswith("/"):
            problems.append("a GET <form> that is not one of the site's own")
    for name, value in attrs.items():
        if name.startswith("on"):
            problems.append(f"event handler {name}= on <{tag}>")
        if name in {"style", "srcdoc"}:
            problems.append(f"{name}= on <{tag}>")
        if name in URL_ATTRIBUTES and value:
            url = URL_NOISE.sub("", value).lower()
            if BAD_SCHEME.match(url):
                problems.append(f"{name}={value!r} on <{tag}>")
    return problems


class _Inspector(HTMLParser):
    """The standard library's parser: tags, attributes and the text of data scripts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._script: list[str] | None = None
        self._form_posts: list[bool] = []
        self._form_has_token: list[bool] = []

    def handle_starttag(self, tag, attrs):
        attributes = {name.lower(): value for name, value in attrs}
        self.problems += _tag_problems(tag, attributes)
        if tag == "script" and (attributes.get("type") or "").lower() in DATA_SCRIPT_TYPES:
            self._script = []
        if tag == "form":
            self._form_posts.append((attributes.get("method") or "").lower() == "post")
            self._form_has_token.append(False)
        is_token = tag == "input" and attributes.get("name") == "csrfmiddlewaretoken"
        if is_token and self._form_has_token:
            self._form_has_token[-1] = True

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            text = "".join(self._script)
            self._script = None
            try:
                json.loads(text)
            except ValueError:
                self.problems.append("a JSON data block that no longer parses")
        if tag == "form" and self._form_posts:
            posts, has_token = self._form_posts.pop(), self._form_has_token.pop()
            if posts and not has_token:
                self.problems.append("a POST <form> without the CSRF token")


def html_problems(html: str) -> list[str]:
    """Everything a payload could have smuggled into ``html``; empty when it is harmless."""
    inspector = _Inspector()
    inspector.feed(html)
    inspector.close()
    problems = list(inspector.problems)
    if html.strip():
        tree = lxml.html.fromstring(html)
        for element in tree.iter():
            if isinstance(element.tag, str):
                attributes = {str(k).lower(): v for k, v in element.attrib.items()}
                problems += [f"lxml: {p}" for p in _tag_problems(element.tag.lower(), attributes)]
    return problems


def feed_problems(xml: bytes) -> list[str]:
    """The HTML inside an Atom feed is rendered by feed readers: inspect it as HTML."""
    problems = []
    for element in ET.fromstring(xml).iter():  # noqa: S314 - our own feed, in a test
        if element.get("type") == "html" and element.text:
            problems += html_problems(element.text)
        href = element.get("href")
        if href and BAD_SCHEME.match(URL_NOISE.sub("", href).lower()):
            problems.append(f"feed link {href!r}")
    return problems


def api_problems(response) -> list[str]:
    """The API answers JSON only: it never turns a payload into a page."""
    if response["Content-Type"].split(";")[0] != "application/json":
        return [f"API {response.request['PATH_INFO']} answered {response['Content-Type']}"]
    problems: list[str] = []

    def walk(value, key=""):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and key.endswith("_html"):
            problems.extend(html_problems(value))

    walk(json.loads(response.content))
    return problems


class Pages:
    """Fetches pages and collects what is wrong with them, by URL."""

    def __init__(self, client: Client):
        self.client = client
        self.problems: dict[str, list[str]] = {}
        self.count = 0

    def html(self, url: str, *, headers: dict | None = None) -> str:
        response = self.client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.status_code)
        assert response["Content-Type"].startswith("text/html"), url
        html = response.content.decode()
        self._note(url, html_problems(html))
        self.count += 1
        return html

    def pages_of(self, url: str) -> None:
        """Every page of a paginated list."""
        separator = "&" if "?" in url else "?"
        for number in range(1, 20):
            response = self.client.get(f"{url}{separator}page={number}")
            if response.status_code == 404:
                break
            html = response.content.decode()
            self._note(f"{url} page {number}", html_problems(html))
            self.count += 1
            if f"page={number + 1}" not in html:
                break

    def feed(self, url: str) -> None:
        response = self.client.get(url)
        assert response.status_code == 200, url
        self._note(url, feed_problems(response.content))

    def api(self, url: str) -> None:
        response = self.client.get(url)
        assert response.status_code == 200, (url, response.content[:200])
        self._note(url, api_problems(response))

    def _note(self, url: str, problems: list[str]) -> None:
        if problems:
            self.problems[url] = problems


def _cut(payload: str, length: int) -> str:
    return payload[:length]


@pytest.fixture
def pages(outsider_client) -> Pages:
    return Pages(outsider_client)


def _assert_harmless(pages: Pages, minimum_pages: int) -> None:
    assert pages.problems == {}
    assert pages.count >= minimum_pages


@pytest.mark.django_db
def test_instrument_fields(provider, pages):
    slugs = []
    for payload in PAYLOADS:
        instrument = instrument_create(
            user=provider,
            record_without_id={
                "title": _cut(payload, 200) or "x",
                "summary": payload,
                "description": payload,
                "when_to_use": payload,
                "steps": [payload, payload],
                "keywords": [_cut(payload, 100)],
                "links": [{"title": _cut(payload, 200), "url": "https://example.org/"}],
                "organisation": _cut(payload, 200),
                "phases": ["starten"],
                "kind": "checklist",
                "status": "published",
            },
        )
        slugs.append(instrument.slug)
        pages.html(reverse("instruments:detail", args=[instrument.slug]))
        pages.html(reverse("search:search") + "?" + _query(payload))
    pages.pages_of(reverse("instruments:list"))
    pages.html(reverse("home"))
    pages.html(reverse("instruments:phase", args=["starten"]))
    pages.feed(reverse("feeds:new_instruments"))
    pages.api("/api/v1/instruments?limit=100")
    for slug in slugs[:: max(1, len(slugs) // 10)]:
        pages.api(f"/api/v1/instruments/{slug}")
    _assert_harmless(pages, 2 * len(PAYLOADS))


def _query(text: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"q": text})


@pytest.mark.django_db
def test_experience_fields(provider, outsider, pages):
    instrument = InstrumentFactory(owner=provider)
    for payload in PAYLOADS:
        experience = experience_create(
            author=outsider,
            instrument=instrument,
            what_was_done=payload,
            what_worked=payload,
            what_did_not=payload,
            adaptation=payload,
            rating=3,
            would_recommend=True,
        )
        pages.html(reverse("experiences:detail", args=[experience.pk]))
    pages.html(reverse("instruments:detail", args=[instrument.slug]))
    pages.pages_of(reverse("experiences:list"))
    pages.feed(reverse("feeds:instrument_experiences", args=[instrument.slug]))
    pages.api("/api/v1/experiences?limit=100")
    pages.api(f"/api/v1/experiences/{experience.pk}")
    _assert_harmless(pages, len(PAYLOADS))


@pytest.mark.django_db
def test_comment_and_question_fields(provider, outsider, pages):
    instrument = InstrumentFactory(owner=provider)
    for payload in PAYLOADS:
        comment_create(author=outsider, target=instrument, body=payload)
        question = question_create(user=outsider, title=_cut(payload, 250), body=payload)
        answer_create(user=provider, question=question, body=payload, instruments=[instrument])
        pages.html(reverse("questions:detail", args=[question.pk]))
    pages.html(reverse("instruments:detail", args=[instrument.slug]))
    pages.html(
        reverse("comments:create", args=["instrument", instrument.pk]),
        headers={"HX-Request": "true"},
    )
    pages.pages_of(reverse("questions:list"))
    pages.html(reverse("questions:demand"))
    pages.html(reverse("search:search") + "?q=alert")
    pages.api("/api/v1/questions?limit=100")
    pages.api(f"/api/v1/questions/{question.pk}")
    _assert_harmless(pages, len(PAYLOADS))


@pytest.mark.django_db
def test_community_and_journal_fields(provider, outsider, pages):
    member = UserFactory()
    entries = []
    for number, payload in enumerate(PAYLOADS):
        community = make_community(
            facilitator=provider,
            name=_cut(payload, 240) or f"c{number}",
            challenge=payload,
            region=_cut(payload, 200),
        )
        add_member(community, member)
        entry = journal_entry_create(
            user=member,
            community=community,
            kind="meeting",
            date=datetime.date(2025, 3, 1),
            title=_cut(payload, 200) or "x",
            phase="starten",
            text=payload,
            value_stories=[{"cycle": "immediate", "capital": "", "text": payload}],
        )
        entries.append(entry)
        pages.html(reverse("communities:detail", args=[community.slug]))
        pages.html(reverse("journal:detail", args=[community.slug, entry.pk]))
        if number % 4 == 0:  # the entry page shows the same parts; these lists now and then
            pages.html(reverse("journal:timeline", args=[community.slug]))
            pages.html(reverse("journal:values", args=[community.slug]))
        pages.feed(reverse("feeds:community_journal", args=[community.slug]))
    pages.pages_of(reverse("communities:list"))
    pages.html(reverse("search:search") + "?q=alert")
    pages.api("/api/v1/communities?limit=100")
    pages.api(f"/api/v1/communities/{community.slug}")
    pages.api(f"/api/v1/communities/{community.slug}/journal")
    pages.api(f"/api/v1/journal-entries/{entries[-1].pk}")
    _assert_harmless(pages, 2 * len(PAYLOADS))


@pytest.mark.django_db
def test_person_name_and_organisation(provider, pages):
    instrument = InstrumentFactory(owner=provider)
    community = make_community(facilitator=provider)
    for payload in PAYLOADS:
        person = UserFactory()
        profile_update(
            user=person, name=_cut(payload, 150), organisation=_cut(payload, 200), roles=[]
        )
        comment_create(author=person, target=instrument, body="Goed instrument.")
        add_member(community, person)
        question = question_create(user=person, title="Wie weet dit?")
        own = Client()
        own.force_login(person)
        own_pages = Pages(own)
        own_pages.html(reverse("accounts:profile"))
        assert own_pages.problems == {}
        pages.html(reverse("questions:detail", args=[question.pk]))
        pages.html(reverse("people:person", args=[person.pk]))
    pages.html(reverse("instruments:detail", args=[instrument.slug]))
    facilitator = Client()
    facilitator.force_login(provider)
    facilitator_pages = Pages(facilitator)
    facilitator_pages.html(reverse("communities:members", args=[community.slug]))
    assert facilitator_pages.problems == {}
    _assert_harmless(pages, len(PAYLOADS))


@pytest.mark.django_db
def test_concept_saved_search_and_api_token_names(staff, pages):
    for start in range(0, len(PAYLOADS), 15):
        person = UserFactory()
        client = Client()
        client.force_login(person)
        for number, payload in enumerate(PAYLOADS[start : start + 15]):
            saved_search_create(
                user=person, name=_cut(payload, 100), query_string=f"q=overleg{number}"
            )
            api_token_create(user=person, name=_cut(payload, 100) or "x")
        person_pages = Pages(client)
        person_pages.html(reverse("accounts:profile"))
        assert person_pages.problems == {}
    for payload in PAYLOADS:
        concept = make_concept()
        concept_update(
            user=staff,
            concept=concept,
            record={"term": _cut(payload, 200) or "x", "definition": payload, "source": ""},
        )
        pages.html(reverse("knowledge:detail", args=[concept.slug]))
    pages.html(reverse("knowledge:list"))
    _assert_harmless(pages, len(PAYLOADS))
