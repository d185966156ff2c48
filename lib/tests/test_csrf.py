"""CSRF on every form: each page that shows a POST form carries the token, POSTs without
it are refused with 403, and ``csrf_exempt`` is used only where it is meant to be.

The URL patterns are walked and filled with objects of a small world (an instrument, a
public community with a journal entry, an experience, a question with an answer, a
comment, a concept), so a new page is checked without being listed here.
"""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver

from comments.services import comment_create
from communities.tests.factories import make_community
from experiences.services import experience_create
from instruments.tests.factories import InstrumentFactory
from journal.services import journal_entry_create
from knowledge.tests.factories import make_concept
from questions.services import answer_create, question_create

pytestmark = pytest.mark.django_db

SKIPPED_PREFIXES = ("beheer/", "api/", "oai", "i18n/", "^media", "static/")
# Views that may skip Django's CSRF check, and why:
CSRF_EXEMPT_ALLOWED = {
    # OAI-PMH harvesters POST form-encoded verbs without a token; the endpoint only reads.
    "oai",
    # The JSON API: ninja checks CSRF itself for session callers (api.auth.SignedInSession,
    # covered by api/tests/test_writes.py); token callers send no cookies.
    "api/v1/",
}
PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


def _routes(resolver=None, prefix=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


@pytest.fixture
def world(provider, outsider):
    instrument = InstrumentFactory(owner=provider)
    community = make_community(facilitator=provider)
    entry = journal_entry_create(
        user=provider,
        community=community,
        kind="meeting",
        date=datetime.date(2025, 3, 1),
        title="Startbijeenkomst",
        phase="starten",
        text="Verslag.",
    )
    experience = experience_create(
        author=outsider, instrument=instrument, what_was_done="Gedaan.", rating=4
    )
    question = question_create(user=outsider, title="Wie weet een goede werkvorm?")
    answer = answer_create(user=provider, question=question, body="Deze.")
    comment = comment_create(author=outsider, target=instrument, body="Mooi.")
    concept = make_concept()
    return {
        ("slug", "instrumenten"): instrument.slug,
        ("slug", "communities"): community.slug,
        ("slug", "begrippen"): concept.slug,
        ("phase", "fasen"): "starten",
        ("entry_id", "communities"): entry.pk,
        ("experience_id", "ervaringen"): experience.pk,
        ("question_id", "vragen"): question.pk,
        ("answer_id", "vragen"): answer.pk,
        ("comment_id", "reacties"): comment.pk,
        ("kind", "reacties"): "instrument",
        ("target_id", "reacties"): instrument.pk,
        ("kind", "melden"): "comment",
        ("object_id", "melden"): comment.pk,
        ("user_id", "personen"): outsider.pk,
        ("user_id", "inzichten"): provider.pk,
        ("source_kind", "lessen"): "experience",
        ("source_id", "lessen"): experience.pk,
    }


def _concrete_urls(world) -> list[str]:
    urls = []
    for route, _pattern in _routes():
        if route.startswith(SKIPPED_PREFIXES) or route.startswith("^"):
            continue
        section = route.split("/")[0]
        names = PARAMETER.findall(route)
        if any((name, section) not in world for name in names):
            continue
        url = PARAMETER.sub(lambda m, s=section: str(world[(m.group(1), s)]), route)
        urls.append("/" + url)
    return urls


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            method = (attributes.get("method") or "get").lower()
            self.forms.append(
                {"method": method, "token": False, "action": attributes.get("action")}
            )
        elif (
            tag == "input"
            and attributes.get("name") == "csrfmiddlewaretoken"
            and attributes.get("value")
            and self.forms
        ):
            self.forms[-1]["token"] = True


def test_every_post_form_carries_the_csrf_token(
    world, client, outsider_client, staff_client, provider_client
):
    urls = _concrete_urls(world)
    missing, pages, post_forms = [], set(), 0
    for who, browser in [
        ("anonymous", client),
        ("outsider", outsider_client),
        ("provider", provider_client),
        ("staff", staff_client),
    ]:
        for url in urls:
            response = browser.get(url)
            if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                continue
            parser = _Forms()
            parser.feed(response.content.decode())
            for form in parser.forms:
                if form["method"] == "post":
                    post_forms += 1
                    pages.add(url)
                    if not form["token"]:
                        missing.append((who, url, form["action"]))

    assert missing == []
    # The walk reaches the pages that matter: edit forms, comment and report forms, sign-in.
    assert post_forms > 300
    assert len(pages) > 50


def test_csrf_exempt_is_used_only_where_intended():
    exempt = {
        route for route, pattern in _routes() if getattr(pattern.callback, "csrf_exempt", False)
    }
    assert exempt, "the walk found no views at all"
    unexpected = {route for route in exempt if not route.startswith(tuple(CSRF_EXEMPT_ALLOWED))}
    assert unexpected == set()


def _strict(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


# One unsafe request per app, each of which would change something if it got through.
POSTS = [
    ("instruments", "/instrumenten/nieuw/", {"title": "Nieuw"}),
    ("instruments attachment", "/instrumenten/{instrument}/bijlagen/", {"title": "x"}),
    ("communities", "/communities/nieuw/", {"name": "Nieuw"}),
    ("journal", "/communities/{community}/journaal/nieuw/", {"title": "x"}),
    ("experiences", "/ervaringen/nieuw/", {"what_was_done": "x"}),
    ("comments", "/reacties/instrument/{instrument_pk}/", {"body": "x"}),
    ("questions", "/vragen/nieuw/", {"title": "Vraag?"}),
    ("accounts", "/account/profiel/bewerken/", {"name": "x"}),
    ("feeds", "/account/feeds/sleutel/", {}),
    ("api tokens", "/account/api-sleutels/nieuw/", {"name": "x"}),
    ("library import", "/bibliotheek/importeren/", {}),
    ("reports", "/melden/comment/{comment}/", {"reason": "spam"}),
    ("language", "/i18n/setlang/", {"language": "en"}),
    ("logout", "/account/logout/", {}),
]


@pytest.mark.parametrize(("app", "path", "data"), POSTS, ids=[p[0] for p in POSTS])
def test_a_post_without_the_token_is_refused(world, provider, app, path, data):
    url = path.format(
        instrument=world[("slug", "instrumenten")],
        instrument_pk=world[("target_id", "reacties")],
        community=world[("slug", "communities")],
        comment=world[("object_id", "melden")],
    )

    response = _strict(provider).post(url, data)

    assert response.status_code == 403, (url, response.status_code)


def test_the_same_post_with_the_token_gets_through(world, provider):
    client = _strict(provider)
    page = client.get("/vragen/nieuw/")
    token = page.cookies["csrftoken"].value if "csrftoken" in page.cookies else None
    token = token or client.cookies["csrftoken"].value

    response = client.post("/vragen/nieuw/", {"title": "Wie helpt?", "csrfmiddlewaretoken": token})

    assert response.status_code == 302
