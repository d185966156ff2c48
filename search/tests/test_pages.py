"""The search page: results with why they matched, type filter and facets, paging, empty
states, bad input, visibility and a fixed number of queries.

Texts are in English msgids until translated, so assertions look at structure (classes,
links, context) rather than wording.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from communities.tests.factories import add_member, make_community
from experiences.tests.factories import make_experience
from instruments.tests.factories import InstrumentFactory
from journal.tests.factories import make_entry
from search.facets import MAX_QUERY_CHARS
from search.selectors import SearchResult
from search.templatetags.search_tags import highlight
from search.tests.spies import QueriesInside

pytestmark = pytest.mark.django_db

URL = "/zoeken/"


def _facet(response, name: str) -> dict[str, int]:
    facet = next(f for f in response.context["facets"] if f.name == name)
    return {option.value: option.count for option in facet.options}


def _keys(response) -> set[tuple[str, str]]:
    return {(r.kind, r.key) for r in response.context["outcome"].results}


def test_url_names():
    assert reverse("search:search") == URL
    assert reverse("search:feed") == "/zoeken/feed/"


def test_results_show_type_title_link_marked_snippet_and_shared_terms(client):
    instrument = InstrumentFactory(
        title="Kruisbestuiving tussen sectoren",
        summary="Een werkvorm voor kruisbestuiving tussen zorg en energie.",
    )
    response = client.get(URL, {"q": "kruisbestuiving"})
    assert response.status_code == 200
    html = response.content.decode()
    assert ("instrument", instrument.slug) in _keys(response)
    assert f'href="{instrument.get_absolute_url()}"' in html
    assert "<mark>Kruisbestuiving</mark>" in html
    assert 'class="search-result__why"' in html
    assert '<mark class="search-result__term">kruisbestuiving</mark>' in html
    assert 'role="search"' in html
    assert 'aria-live="polite"' in html
    # The page offers the same search as an Atom feed.
    assert 'type="application/atom+xml"' in html
    assert 'href="/zoeken/feed/?q=kruisbestuiving"' in html


@pytest.mark.parametrize(
    ("reason", "marker"),
    [("terms", "<mark>"), ("meaning", "“Een passage"), ("context", "“Een passage")],
)
def test_each_reason_has_its_explanation(reason, marker):
    result = SearchResult(
        kind="instrument",
        key="x",
        object_id=1,
        title="Titel",
        url="/instrumenten/x/",
        score=1.0,
        snippet="Een passage over samenwerken.",
        matched_terms=["samenwerken"] if reason != "meaning" else [],
        reason=reason,
    )
    html = render_to_string("search/includes/result.html", {"result": result})
    assert 'class="search-result__why"' in html
    assert marker in html
    expected = {
        "terms": "Gedeelde woorden",
        "meaning": "Verwant in betekenis aan",
        "context": "Werkte in een vergelijkbare context",
    }[reason]
    assert expected in html  # tests run in Dutch


def test_highlight_escapes_and_marks_inflections():
    html = highlight("<b>Gemeenschappen</b> & de gemeenschap", ["gemeenschap"])
    assert html == (
        "&lt;b&gt;<mark>Gemeenschappen</mark>&lt;/b&gt; &amp; de <mark>gemeenschap</mark>"
    )
    assert highlight("<i>x</i>", []) == "&lt;i&gt;x&lt;/i&gt;"
    assert highlight(None, ["x"]) == ""


def test_a_title_with_markup_is_escaped_on_the_page(client):
    InstrumentFactory(title="<script>alert('zeppelin')</script> Zeppelinkaart")
    html = client.get(URL, {"q": "zeppelinkaart"}).content.decode()
    assert "<script>alert(" not in html
    assert "&lt;script&gt;" in html


@pytest.fixture
def mixed(db):
    """Two instruments and a community that all mention "kruisbestuiving"."""
    starting = InstrumentFactory(
        title="Kruisbestuiving starten",
        phases=["starten"],
        kind="canvas",
        sectors=["energie"],
    )
    designing = InstrumentFactory(
        title="Kruisbestuiving ontwerpen",
        phases=["ontwerpen", "starten"],
        kind="checklist",
        sectors=["zorg"],
    )
    community = make_community(
        facilitator=UserFactory(),
        name="Buurtkracht",
        challenge="Kruisbestuiving tussen buurten.",
        sectors=["zorg"],
    )
    return {"starting": starting, "designing": designing, "community": community}


def test_facets_count_every_type_phase_kind_and_sector(client, mixed):
    response = client.get(URL, {"q": "kruisbestuiving"})
    assert response.context["outcome"].total == 3
    assert _facet(response, "type") == {"instrument": 2, "community": 1}
    assert _facet(response, "fase") == {"starten": 2, "ontwerpen": 1}
    assert _facet(response, "soort") == {"canvas": 1, "checklist": 1}
    assert _facet(response, "sector") == {"energie": 1, "zorg": 2}


def test_the_type_filter_narrows_and_keeps_other_types_selectable(client, mixed):
    response = client.get(URL, {"q": "kruisbestuiving", "type": "community"})
    assert _keys(response) == {("community", mixed["community"].slug)}
    assert response.context["outcome"].total == 1
    # The other types stay listed with their counts, so a second one can be added.
    assert _facet(response, "type") == {"instrument": 2, "community": 1}
    html = response.content.decode()
    assert 'id="f-type-community" name="type"\n                   value="community" checked' in html

    both = client.get(URL, {"q": "kruisbestuiving", "type": ["community", "instrument"]})
    assert both.context["outcome"].total == 3


def test_facets_narrow_before_paging_and_combine(client, mixed):
    response = client.get(URL, {"q": "kruisbestuiving", "fase": "ontwerpen"})
    assert _keys(response) == {("instrument", mixed["designing"].slug)}
    assert response.context["outcome"].total == 1
    # Each facet is counted with the other filters applied: ticking "starten" as well
    # would give 2 results.
    assert _facet(response, "fase") == {"starten": 2, "ontwerpen": 1}
    assert _facet(response, "type") == {"instrument": 1}
    both = client.get(URL, {"q": "kruisbestuiving", "fase": ["ontwerpen", "starten"]})
    assert both.context["outcome"].total == 2

    sector = client.get(URL, {"q": "kruisbestuiving", "sector": "zorg"})
    assert _keys(sector) == {
        ("instrument", mixed["designing"].slug),
        ("community", mixed["community"].slug),
    }
    combined = client.get(URL, {"q": "kruisbestuiving", "sector": "zorg", "soort": "checklist"})
    assert _keys(combined) == {("instrument", mixed["designing"].slug)}
    # A selected value stays visible (and can be unticked) even without results.
    nothing = client.get(URL, {"q": "kruisbestuiving", "sector": "energie", "soort": "checklist"})
    assert nothing.context["outcome"].total == 0
    assert _facet(nothing, "sector")["energie"] == 0
    assert _facet(nothing, "soort")["checklist"] == 0


def test_every_count_is_the_total_that_ticking_it_gives(client, mixed):
    make_community(
        facilitator=UserFactory(), name="Kruisbestuiving elders", current_phase="ontwerpen"
    )
    response = client.get(URL, {"q": "kruisbestuiving"})
    checked = 0
    for facet in response.context["facets"]:
        for option in facet.options:
            ticked = client.get(URL, {"q": "kruisbestuiving", facet.name: option.value})
            assert ticked.context["outcome"].total == option.count, (facet.name, option.value)
            checked += 1
    assert checked >= 8


def test_htmx_requests_get_the_results_region_with_out_of_band_facets(client, mixed):
    response = client.get(URL, {"q": "kruisbestuiving", "fase": "starten"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="facets" hx-swap-oob="innerHTML"' in html
    assert 'id="result-summary" hx-swap-oob="innerHTML"' in html
    assert 'id="search-feed-link" hx-swap-oob="outerHTML"' in html
    assert "HX-Request" in response["Vary"]


def test_full_page_form_pushes_every_state_to_the_url(client):
    html = client.get(URL).content.decode()
    assert 'method="get"' in html
    assert 'hx-push-url="true"' in html
    assert 'hx-target="#results"' in html
    assert 'for="search-q"' in html


def test_paging(client):
    for i in range(13):
        InstrumentFactory(title=f"Luchtschipwerkvorm {i}")
    first = client.get(URL, {"q": "luchtschipwerkvorm"})
    assert first.context["outcome"].total == 13
    assert len(first.context["outcome"].results) == 10
    assert 'rel="next"' in first.content.decode()
    second = client.get(URL, {"q": "luchtschipwerkvorm", "page": "2"})
    assert len(second.context["outcome"].results) == 3
    assert second.context["page"].number == 2
    assert not _keys(first) & _keys(second)
    # Out-of-range or nonsense pages show the last or the first page, never an error.
    assert client.get(URL, {"q": "luchtschipwerkvorm", "page": "99"}).context["page"].number == 2
    for bad in ("abc", "-3", "1e9", ""):
        response = client.get(URL, {"q": "luchtschipwerkvorm", "page": bad})
        assert response.status_code == 200
        assert response.context["page"].number in (1, 2)


def test_without_a_query_the_page_explains_and_offers_examples(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="empty-state"' in html
    assert 'class="link-list search-examples"' in html
    assert 'href="/zoeken/?q=' in html
    assert f'href="{reverse("search:situation")}"' in html
    # The type filter is there before the first search.
    assert 'name="type"' in html


def test_no_results_suggests_fewer_words_and_the_situation_page(client):
    InstrumentFactory(title="Iets heel anders")
    response = client.get(URL, {"q": "iets", "type": "concept"})
    assert response.status_code == 200
    assert response.context["outcome"].total == 0
    html = response.content.decode()
    assert 'class="empty-state"' in html
    assert f'href="{reverse("search:situation")}"' in html


def test_bad_input_never_fails(client):
    InstrumentFactory(title="Zeppelinkaart")
    long_query = "zeppelinkaart " + "x" * (MAX_QUERY_CHARS + 100)
    response = client.get(
        URL, {"q": long_query, "type": ["nonsense", "instrument"], "fase": "bogus", "soort": "?"}
    )
    assert response.status_code == 200
    filters = response.context["filters"]
    assert len(filters.query) <= MAX_QUERY_CHARS
    assert filters.types == ("instrument",)
    assert filters.phases == () and filters.kinds == ()
    assert 'class="message message--warning search-notice"' in response.content.decode()
    assert client.get(URL, {"q": "   "}).status_code == 200
    assert client.get(URL, {"q": "zeppelin", "sector": "<b>"}).status_code == 200
    assert client.get("/zoeken/feed/", {"q": long_query, "page": "x"}).status_code == 200


def test_the_header_search_box_goes_to_the_search_page(client):
    html = client.get("/instrumenten/").content.decode()
    assert 'class="container site-search" method="get" action="/zoeken/" role="search"' in html
    assert 'for="site-search-q"' in html


# --------------------------------------------------------------- visibility


@pytest.fixture
def world(provider):
    """A public, members-only and confidential community, each with an experience and a
    journal entry carrying the word "zeppelinhaven", and a draft instrument with it too."""
    facilitator = UserFactory()
    member = UserFactory()
    instrument = InstrumentFactory(title="Gewoon instrument")
    draft = InstrumentFactory(title="Zeppelinhaven ontwerp", status="draft", owner=provider)
    made = {"member": member, "draft": draft, "hidden": set(), "public": set()}
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
            phase="starten",
        )
        entry = make_entry(
            community=community,
            author=facilitator,
            title="Verslag zeppelinhaven",
            text="Over de zeppelinhaven.",
            phase="starten",
        )
        target = "public" if visibility == "public" else "hidden"
        made[target] |= {("experience", str(experience.pk)), ("journal_entry", str(entry.pk))}
        made[f"urls_{visibility}"] = {experience.get_absolute_url(), entry.get_absolute_url()}
    made["hidden"].add(("instrument", draft.slug))
    return made


def _seen(client, params) -> tuple[set, str, dict]:
    response = client.get(URL, params)
    assert response.status_code == 200
    return _keys(response), response.content.decode(), _facet(response, "type")


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_outsiders_never_see_hidden_content_on_the_page_or_in_counts(
    world, who, outsider_client, client
):
    viewer = client if who == "anonymous" else outsider_client
    for params in (
        {"q": "zeppelinhaven"},
        {"q": "zeppelinhaven", "type": ["experience", "journal_entry"]},
        {"q": "zeppelinhaven", "fase": "starten"},
    ):
        keys, html, types = _seen(viewer, params)
        assert not keys & world["hidden"]
        assert world["public"] <= keys
        for url in world["urls_members"] | world["urls_confidential"]:
            assert url not in html
        assert world["draft"].get_absolute_url() not in html
        # Counted: only the public experience and journal entry.
        assert types.get("experience") == 1
        assert types.get("journal_entry") == 1
        assert types.get("instrument", 0) == 0 or ("instrument", world["draft"].slug) not in keys


def test_a_member_sees_the_communities_content(world):
    member = Client()
    member.force_login(world["member"])
    keys, html, types = _seen(member, {"q": "zeppelinhaven"})
    assert world["public"] <= keys
    assert (world["hidden"] - {("instrument", world["draft"].slug)}) <= keys
    assert types["experience"] == 3
    assert types["journal_entry"] == 3
    assert ("instrument", world["draft"].slug) not in keys  # not theirs


def test_the_provider_finds_their_own_draft(world, provider_client):
    keys, _html, _types = _seen(provider_client, {"q": "zeppelinhaven"})
    assert ("instrument", world["draft"].slug) in keys


# --------------------------------------------------------------- query count


def _count(client, url: str, params: dict) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


def _make(n: int, prefix: str) -> None:
    facilitator = UserFactory()
    community = make_community(facilitator=facilitator, name=f"Ballonhaven {prefix}")
    for i in range(n):
        instrument = InstrumentFactory(
            n=f"{prefix}{i}", title=f"Ballonhaven {prefix}{i}", phases=["starten", "uitvoeren"]
        )
        make_experience(
            instrument=instrument,
            author=facilitator,
            community=community,
            what_was_done="Een ballonhaven gebouwd.",
            phase="starten",
        )


def _page_queries(client, params, monkeypatch) -> tuple[int, int]:
    """(queries of the page outside ``search()``, number of ``search()`` calls)."""
    from search.views import results

    spy = QueriesInside(monkeypatch, results, "search")
    own = spy.outside(lambda: _count(client, URL, params))
    return own, spy.calls


@pytest.mark.parametrize(
    ("params", "searches"),
    [
        ({"q": "ballonhaven"}, 1),
        # With filters: one search for the ranking (narrowed in Python), one for the
        # passages of the page's items, and the same attribute reads.
        ({"q": "ballonhaven", "fase": "starten", "type": ["instrument", "experience"]}, 2),
    ],
)
def test_the_page_runs_a_fixed_number_of_queries(client, params, searches, monkeypatch):
    _make(3, "a")
    client.get(URL, params)  # loads the index into memory once
    small = _page_queries(client, params, monkeypatch)
    _make(6, "b")
    client.get(URL, params)
    large = _page_queries(client, params, monkeypatch)
    # Besides its searches the page runs: 1 instrument kinds, 1 instrument phases,
    # 1 instrument sectors, 1 communities, 1 experiences (facet attributes of the results,
    # one read per table); 1 sector labels.
    assert large == small == (6, searches)


def test_feed_and_page_render_for_a_request_without_session():
    """The views work with a bare request (no session), as feed readers send them."""
    from search.views.results import search_page

    request = RequestFactory().get(URL, {"q": "x"})
    request.user = AnonymousUser()
    request.htmx = False
    request.session = {}
    assert search_page(request).status_code == 200
