"""Linked data on public pages, read back by an independent extractor (extruct) from the
real pages: schema.org JSON-LD on instrument, community and concept pages, Open Graph on
those and on lesson (experience) pages, and the "share on LinkedIn" link.

Nothing must be described that is not public: drafts and members-only or confidential
communities (and lessons in them) carry no JSON-LD, no page-specific Open Graph and no
share link, whoever looks.
"""

from __future__ import annotations

import datetime
from urllib.parse import parse_qs, urlsplit

import extruct
import lxml.html
import pytest
from django.template import Context, Template
from django.test import override_settings
from django.utils.translation import gettext

from communities.models import MemberRole
from communities.services import partner_add
from communities.tests.factories import add_member, make_community
from experiences.tests.factories import make_experience
from instruments.linked_data import creative_commons_url, licence_value
from instruments.services import sector_get_or_create
from instruments.tests.factories import InstrumentFactory
from knowledge.tests.factories import make_concept
from lib.templatetags.linked_data import json_ld_script, linked_data

pytestmark = pytest.mark.django_db

BASE_URL = "http://testserver"
BREAKOUT = "</script><script>alert(1)</script>"


def _page(client, url: str):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    data = extruct.extract(html, base_url=BASE_URL + url, syntaxes=["json-ld", "opengraph"])
    og = {}
    for item in data["opengraph"]:
        for key, value in item["properties"]:
            og.setdefault(key, value)
    return html, data["json-ld"], og


def _types(item: dict) -> set[str]:
    value = item["@type"]
    return {value} if isinstance(value, str) else set(value)


def _share_links(html: str) -> list:
    return lxml.html.fromstring(html).xpath('//a[@data-testid="share-linkedin"]')


def _assert_page_open_graph(og: dict, *, url: str, og_type: str, title: str) -> None:
    assert og["og:url"] == url
    assert og["og:type"] == og_type
    assert og["og:title"] == title
    assert og["og:description"]
    assert len(og["og:description"]) <= 200
    assert og["og:site_name"] == "Samenspel"
    assert og["og:locale"] == "nl_NL"


def _assert_nothing_page_specific(html: str, json_ld: list, og: dict) -> None:
    assert json_ld == []
    assert not {"og:title", "og:description", "og:url", "og:type"} & set(og)
    assert 'name="twitter:card"' not in html
    assert _share_links(html) == []


@pytest.fixture
def instrument(provider):
    make_concept(term="Grensoverschrijdend leren", term_en="Boundary crossing")
    return InstrumentFactory(
        n="kaart",
        title="Samenwerkingskaart",
        title_en="Collaboration map",
        summary="Breng in kaart wie met wie samenwerkt. " * 12,
        description="Een werkvorm voor grensoverschrijdend leren.",
        steps=["Teken de partners", "Verbind ze"],
        phases=["starten", "ontwerpen"],
        kind="werkvorm",
        audience=["facilitator", "stuurgroep"],
        keywords=["netwerk", "partners"],
        licence="CC BY-SA 4.0",
        organisation="Hogeschool Utrecht",
        owner=provider,
    )


# --- instruments -----------------------------------------------------------------------


def test_instrument_page_describes_a_learning_resource_and_how_to(client, instrument):
    url = instrument.get_absolute_url()
    _, json_ld, _ = _page(client, url)

    [item] = json_ld
    assert {"LearningResource", "HowTo"} <= _types(item)
    assert item["@context"] == "https://schema.org"
    assert item["name"] == "Samenwerkingskaart"
    assert item["alternateName"] == "Collaboration map"
    assert item["description"].startswith("Breng in kaart")
    assert item["url"] == BASE_URL + url
    assert item["identifier"] == instrument.slug
    assert item["inLanguage"] == ["nl", "en"]
    assert item["learningResourceType"] == "Werkvorm"
    assert item["educationalUse"] == ["Starten", "Ontwerpen"]
    assert [term["name"] for term in item["teaches"]] == [
        "Starten",
        "Ontwerpen",
        "Grensoverschrijdend leren",
    ]
    assert all(term["@type"] == "DefinedTerm" and term["url"] for term in item["teaches"])
    assert item["audience"] == [
        {"@type": "Audience", "audienceType": "facilitator"},
        {"@type": "Audience", "audienceType": "stuurgroep"},
    ]
    # No public experience names a level yet: the audiences stand in.
    assert item["educationalLevel"] == ["facilitator", "stuurgroep"]
    assert item["license"] == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert item["author"] == [
        {"@type": "Organization", "name": "Hogeschool Utrecht"},
        {"@type": "Person", "name": "Piet Aanbieder"},
    ]
    assert item["keywords"] == ["netwerk", "partners"]
    for key in ("dateCreated", "dateModified"):
        assert datetime.datetime.fromisoformat(item[key]).tzinfo is not None
    assert item["step"] == [
        {"@type": "HowToStep", "position": 1, "text": "Teken de partners"},
        {"@type": "HowToStep", "position": 2, "text": "Verbind ze"},
    ]
    assert item["isPartOf"]["@type"] == "Collection"
    assert item["isPartOf"]["url"] == BASE_URL + "/instrumenten/"
    assert item["creditText"] == "3.2 a"
    assert item["publisher"] == {
        "@type": "Organization",
        "name": "Samenspel",
        "url": BASE_URL + "/",
    }


def test_library_records_name_the_project_as_author_and_carry_the_repository_licence(client):
    """The library's own records (no provider, no organisation) were written for this
    project and ship in its repository: author Samenspel, licence EUPL-1.2."""
    instrument = InstrumentFactory(owner=None, organisation=None, licence="")

    _, [item], _ = _page(client, instrument.get_absolute_url())

    assert item["author"] == [{"@type": "Organization", "name": "Samenspel", "url": BASE_URL + "/"}]
    assert item["license"] == "https://spdx.org/licenses/EUPL-1.2.html"


def test_a_providers_instrument_without_licence_claims_none(client, provider):
    instrument = InstrumentFactory(owner=provider, organisation=None, licence="")

    _, [item], _ = _page(client, instrument.get_absolute_url())

    assert "license" not in item
    assert item["author"] == [{"@type": "Person", "name": provider.display_name}]


def test_instrument_levels_come_from_public_experiences_only(client, instrument, provider):
    sector_get_or_create("energie")
    make_experience(instrument=instrument, author=provider, level="meso")
    closed = make_community(facilitator=provider, visibility="members")
    make_experience(instrument=instrument, author=provider, community=closed, level="macro")

    _, [item], _ = _page(client, instrument.get_absolute_url())

    assert item["educationalLevel"] == ["Meso"]


def test_instrument_page_has_open_graph_and_a_twitter_card(client, instrument):
    url = instrument.get_absolute_url()
    html, _, og = _page(client, url)

    _assert_page_open_graph(og, url=BASE_URL + url, og_type="article", title="Samenwerkingskaart")
    assert og["og:description"].startswith("Breng in kaart")
    assert '<meta name="twitter:card" content="summary">' in html


def test_a_draft_carries_no_linked_data_even_for_its_owner(provider_client, provider):
    draft = InstrumentFactory(status="draft", owner=provider)

    html, json_ld, og = _page(provider_client, draft.get_absolute_url())

    _assert_nothing_page_specific(html, json_ld, og)
    assert og["og:site_name"] == "Samenspel"


def test_a_title_cannot_break_out_of_the_json_ld_script(client):
    instrument = InstrumentFactory(title=f"Kaart {BREAKOUT} & <!-- meer", summary=BREAKOUT)

    html, [item], og = _page(client, instrument.get_absolute_url())

    assert item["name"] == f"Kaart {BREAKOUT} & <!-- meer"
    assert item["description"] == BREAKOUT
    assert og["og:title"] == f"Kaart {BREAKOUT} & <!-- meer"
    assert "<script>alert(1)" not in html
    scripts = lxml.html.fromstring(html).xpath("//script")
    assert not [s for s in scripts if "alert(1)" in (s.text or "") and s.get("type") is None]
    [ld_script] = [s for s in scripts if s.get("type") == "application/ld+json"]
    assert "<" not in ld_script.text and ">" not in ld_script.text and "&" not in ld_script.text


def test_json_ld_script_escapes_what_could_end_or_open_markup():
    rendered = json_ld_script({"name": "</script><!-- & \u2028"})

    assert rendered.startswith('<script type="application/ld+json">')
    assert rendered.count("<") == 2  # the element's own tags
    assert "\\u003C/script\\u003E\\u003C!-- \\u0026 \\u2028" in rendered
    assert json_ld_script(None) == ""


# --- the share link --------------------------------------------------------------------


def test_the_share_link_shares_the_page_address_without_linkedin_script(client, instrument):
    url = instrument.get_absolute_url()
    html, _, _ = _page(client, url)

    [link] = _share_links(html)
    href = urlsplit(link.get("href"))
    assert (href.scheme, href.netloc, href.path) == (
        "https",
        "www.linkedin.com",
        "/sharing/share-offsite/",
    )
    assert parse_qs(href.query) == {"url": [BASE_URL + url]}
    assert link.get("target") == "_blank"
    assert "noopener" in link.get("rel").split()
    assert link.text_content().strip() == gettext("Share on LinkedIn")
    hint = lxml.html.fromstring(html).get_element_by_id(link.get("aria-describedby"))
    assert hint.text_content().strip()
    assert "linkedin" not in " ".join(
        s.get("src", "") for s in lxml.html.fromstring(html).xpath("//script")
    )


def test_the_english_page_shares_itself_with_an_english_label(client, instrument):
    url = f"/en{instrument.get_absolute_url()}"
    html, _, og = _page(client, url)

    [link] = _share_links(html)
    assert link.text_content().strip() == "Share on LinkedIn"
    shared = parse_qs(urlsplit(link.get("href")).query)["url"]
    assert shared == [BASE_URL + url] == [og["og:url"]]
    assert og["og:locale"] == "en_GB"
    assert og["og:title"] == "Collaboration map"


def test_a_public_lesson_has_open_graph_and_a_share_link(client, instrument, provider):
    community = make_community(facilitator=provider)
    experience = make_experience(
        instrument=instrument, author=provider, community=community, what_was_done="We deden X."
    )
    url = experience.get_absolute_url()

    html, json_ld, og = _page(client, url)

    title = gettext("Experience with %(title)s") % {"title": "Samenwerkingskaart"}
    _assert_page_open_graph(og, url=BASE_URL + url, og_type="article", title=title)
    assert og["og:description"] == "We deden X."
    [link] = _share_links(html)
    assert parse_qs(urlsplit(link.get("href")).query)["url"] == [BASE_URL + url]


@pytest.mark.parametrize("visibility", ["members", "confidential"])
def test_a_lesson_in_a_closed_community_is_not_shareable_even_for_members(
    provider_client, provider, instrument, visibility
):
    community = make_community(facilitator=provider, visibility=visibility)
    experience = make_experience(instrument=instrument, author=provider, community=community)

    html, json_ld, og = _page(provider_client, experience.get_absolute_url())

    _assert_nothing_page_specific(html, json_ld, og)


# --- communities -----------------------------------------------------------------------


def _library_partners(community, names: list[str]) -> None:
    """Partner names as the library import stores them (no form edits this field)."""
    community.partners = names
    community.save(update_fields=["partners"])


def test_a_public_community_is_described_as_an_organisation(client, provider):
    sector_get_or_create("energie")
    community = make_community(
        facilitator=provider,
        name="Energieke regio",
        challenge="Samen **warmtepompen** installeren.",
        region="Twente",
        sectors=["energie"],
    )
    _library_partners(community, ["Gemeente Enschede", "saxion"])
    partner_add(
        user=provider, community=community, organisation_name="Saxion", helix_role="education"
    )
    url = community.get_absolute_url()

    html, [item], og = _page(client, url)

    assert {"Organization", "Project"} <= _types(item)
    assert item["name"] == "Energieke regio"
    assert item["description"] == "Samen warmtepompen installeren."
    assert item["url"] == BASE_URL + url
    assert item["areaServed"] == {"@type": "Place", "name": "Twente"}
    assert item["knowsAbout"] == ["Energie"]
    assert item["member"] == [
        {"@type": "Organization", "name": "Saxion"},
        {"@type": "Organization", "name": "Gemeente Enschede"},
    ]
    _assert_page_open_graph(og, url=BASE_URL + url, og_type="website", title="Energieke regio")
    assert _share_links(html) == []


@pytest.mark.parametrize("visibility", ["members", "confidential"])
def test_a_closed_community_carries_nothing_for_members_or_outsiders(
    client, outsider, provider, outsider_client, provider_client, visibility
):
    community = make_community(
        facilitator=provider,
        visibility=visibility,
        name="Besloten kring",
        challenge="Geheime opgave.",
        region="Drenthe",
    )
    _library_partners(community, ["Geheime partner"])
    add_member(community, outsider, MemberRole.MEMBER)
    url = community.get_absolute_url()

    for viewer in (outsider_client, provider_client):  # a member, and the facilitator
        html, json_ld, og = _page(viewer, url)
        _assert_nothing_page_specific(html, json_ld, og)
        assert "Geheime partner" not in html.split("</head>")[0]
    if visibility == "members":
        html, json_ld, og = _page(client, url)
        _assert_nothing_page_specific(html, json_ld, og)


# --- concepts --------------------------------------------------------------------------


def test_a_concept_is_a_defined_term_in_the_glossary(client):
    concept = make_concept(
        term="Grenswerk", term_en="Boundary work", definition="Werk **op de grens**."
    )
    url = concept.get_absolute_url()

    html, [item], og = _page(client, url)

    assert _types(item) == {"DefinedTerm"}
    assert item["name"] == "Grenswerk"
    assert item["alternateName"] == "Boundary work"
    assert item["description"] == "Werk op de grens."
    assert item["url"] == BASE_URL + url
    assert item["inDefinedTermSet"]["@type"] == "DefinedTermSet"
    assert item["inDefinedTermSet"]["url"] == BASE_URL + "/begrippen/"
    _assert_page_open_graph(og, url=BASE_URL + url, og_type="article", title="Grenswerk")


# --- building blocks -------------------------------------------------------------------


@override_settings(SITE_URL="https://samenspel.example")
def test_without_a_request_urls_are_made_from_site_url(instrument):
    data = linked_data(instrument, Context({}))

    assert data["url"] == f"https://samenspel.example{instrument.get_absolute_url()}"


def test_the_tags_render_nothing_for_objects_without_linked_data(provider):
    rendered = Template(
        "{% load linked_data %}"
        "[{% json_ld user %}{% open_graph user %}{% share_on_linkedin user %}]"
    ).render(Context({"user": provider}))

    assert "".join(rendered.split()) == "[]"


@pytest.mark.parametrize(
    ("licence", "url"),
    [
        ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"),
        ("CC-BY-SA-4.0", "https://creativecommons.org/licenses/by-sa/4.0/"),
        ("cc by-nc-sa", "https://creativecommons.org/licenses/by-nc-sa/4.0/"),
        ("CC BY SA NC 3.0", "https://creativecommons.org/licenses/by-nc-sa/3.0/"),
        ("CC0", "https://creativecommons.org/publicdomain/zero/1.0/"),
        ("CC0 1.0 Universal", "https://creativecommons.org/publicdomain/zero/1.0/"),
        ("CC BY 3.0 NL", None),
        (
            "Creative Commons Naamsvermelding-GelijkDelen 4.0 Internationaal",
            "https://creativecommons.org/licenses/by-sa/4.0/",
        ),
        ("CC BY-SA-ND 4.0", None),
        ("Alle rechten voorbehouden", None),
    ],
)
def test_creative_commons_names_become_their_deed_url(licence, url):
    assert creative_commons_url(licence) == url


def test_a_licence_that_is_not_creative_commons_stays_text():
    assert licence_value("Alle rechten voorbehouden") == "Alle rechten voorbehouden"
    assert licence_value("https://example.org/licentie") == "https://example.org/licentie"
    assert licence_value("  ") is None
