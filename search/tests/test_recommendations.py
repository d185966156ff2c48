"""Recommendations on the instrument, community and question pages, and that they never
show what the viewer may not read: confidential communities, and what members-only or
confidential communities used, stay with their members.

The test embedder is deterministic but knows no meaning, so texts share words."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import UserFactory
from communities.tests.factories import add_member, make_community
from experiences.tests.factories import make_experience
from instruments.services import sector_get_or_create
from instruments.tests.factories import InstrumentFactory
from journal.tests.factories import make_entry
from questions.tests.factories import make_question
from search.ranking import get_index
from search.recommendations import (
    community_section,
    recommendations_for_community,
    recommendations_for_instrument,
    recommendations_for_question,
)

pytestmark = pytest.mark.django_db

ANONYMOUS = AnonymousUser()
CHALLENGE = "De wijk aardgasvrij maken terwijl bewoners afhaken en er niets gebeurt."


class QueryCounter:
    """Counts the queries of a call in two parts: those of the search selectors
    (``similar_to``, ``similar_to_group``, ``similar_to_text``; pinned by the search app's
    own tests) and the recommendations' own, which are pinned here."""

    def __init__(self, monkeypatch):
        from search import selectors

        self.in_selectors = 0
        self.depth = 0  # similar_to calls similar_to_group: count the outer call only
        for name in ("similar_to", "similar_to_group", "similar_to_text"):
            monkeypatch.setattr(selectors, name, self._wrap(getattr(selectors, name)))

    def _wrap(self, original):
        def counted(*args, **kwargs):
            before = len(connection.queries)
            self.depth += 1
            try:
                return original(*args, **kwargs)
            finally:
                self.depth -= 1
                if not self.depth:
                    self.in_selectors += len(connection.queries) - before

        return counted

    def __call__(self, call) -> tuple[int, int]:
        """(selector queries, own queries) of ``call()``, with the index already loaded."""
        get_index()
        self.in_selectors = 0
        with CaptureQueriesContext(connection) as queries:
            call()
        return self.in_selectors, len(queries) - self.in_selectors


def _instrument(n, title, text, **fields):
    return InstrumentFactory(n=n, title=title, summary=text, description=text, **fields)


@pytest.fixture
def world():
    """``start`` (a public energy community in Utrecht) used the partner scan. Communities
    with the same challenge elsewhere used other instruments: a public care community in
    Maastricht (``crossover``), a public energy community in Utrecht (``neighbour``), a
    members-only one and a confidential one, each the only user of its instrument."""
    sector_get_or_create("energie")
    sector_get_or_create("zorg-welzijn")
    facilitator = UserFactory(name="Fien Facilitator")
    member = UserFactory(name="Mo Lid")
    scan_text = "Partnerscan wijk: breng partners in kaart als bewoners afhaken."
    instruments = {"scan": _instrument("scan", "Partnerscan wijk", scan_text)}
    # Near copies of the partner scan fill its "similar instruments", so the instruments
    # below can only reach its page through "worked in similar contexts".
    for i in range(5):
        _instrument(f"kopie-{i}", f"Partnerscan wijk {i}", scan_text)
    for name, title, text in (
        ("kompas", "Zorgkompas", "Tellen met blokken in de klas."),
        ("logboek", "Logboek", "Een dagboek voor de moestuin."),
        ("leden", "Ledeninstrument", "Fietsen repareren op zaterdag."),
        ("geheim", "Vertrouwelijk instrument", "Zingen in het koor van de kerk."),
        ("buren", "Burenbord", "Een prikbord in de hal van de flat."),
    ):
        instruments[name] = _instrument(name, title, text, keywords=["los"])
    communities = {}
    for name, visibility, sectors, region, used in (
        ("start", "public", ["energie"], "Utrecht", "scan"),
        ("crossover", "public", ["zorg-welzijn"], "Maastricht", "kompas"),
        ("neighbour", "public", ["energie"], "Utrecht", "buren"),
        ("members", "members", ["energie"], "Groningen", "leden"),
        ("confidential", "confidential", ["energie"], "Zeeland", "geheim"),
    ):
        community = make_community(
            facilitator=facilitator,
            visibility=visibility,
            name=f"Wijkgemeenschap {name}",
            challenge=CHALLENGE,
            sectors=sectors,
            region=region,
        )
        add_member(community, member)
        make_experience(
            instrument=instruments[used],
            author=facilitator,
            community=community,
            what_was_done="Bewoners van de wijk samen aan tafel gezet.",
        )
        communities[name] = community
    make_entry(
        community=communities["crossover"],
        author=facilitator,
        title="Bewonersavond",
        instruments=[instruments["logboek"]],
    )
    return {"instruments": instruments, "communities": communities, "member": member}


def _slugs(items):
    return {item.instrument.slug for item in items}


def _keys(results):
    return {result.key for result in results}


# ---------------------------------------------------------------- instrument page


def test_an_instrument_recommends_similar_instruments_and_what_worked_in_similar_contexts(
    world,
):
    instruments = world["instruments"]
    found = recommendations_for_instrument(ANONYMOUS, instruments["scan"])

    assert found.similar
    assert instruments["scan"].slug not in _keys(found.similar)
    context = _slugs(found.worked_in_similar_contexts)
    similar = _keys(found.similar)
    assert {instruments[name].slug for name in ("kompas", "logboek", "buren")} <= context
    assert instruments["scan"].slug not in context
    assert context.isdisjoint(similar)


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_what_closed_communities_used_never_reaches_outsiders(world, who, outsider):
    user = ANONYMOUS if who == "anonymous" else outsider
    instruments, communities = world["instruments"], world["communities"]
    found = recommendations_for_instrument(user, instruments["scan"])

    context = _slugs(found.worked_in_similar_contexts)
    assert instruments["leden"].slug not in context
    assert instruments["geheim"].slug not in context
    via = {c.pk for item in found.worked_in_similar_contexts for c in item.via}
    assert communities["members"].pk not in via
    assert communities["confidential"].pk not in via


def test_members_get_what_their_communities_used(world):
    instruments, communities = world["instruments"], world["communities"]
    found = recommendations_for_instrument(world["member"], instruments["scan"])

    by_slug = {item.instrument.slug: item for item in found.worked_in_similar_contexts}
    for name, community in (("leden", "members"), ("geheim", "confidential")):
        assert communities[community] in by_slug[instruments[name].slug].via


@pytest.mark.parametrize("who", ["anonymous", "outsider", "member"])
def test_the_instrument_page_shows_the_block_and_no_confidential_names(
    world, who, client, outsider
):
    if who == "outsider":
        client.force_login(outsider)
    elif who == "member":
        client.force_login(world["member"])
    response = client.get(world["instruments"]["scan"].get_absolute_url())

    assert response.status_code == 200
    assert 'data-testid="instrument-recommendations"' in response.text
    assert 'data-testid="similar-instrument"' in response.text
    assert ("Wijkgemeenschap confidential" in response.text) == (who == "member")


def test_a_draft_is_not_recommended_to_others(world, provider, outsider):
    draft = _instrument(
        "concept",
        "Conceptwijk",
        "Partnerscan wijk: voor de wijk als bewoners afhaken en er niets gebeurt.",
        status="draft",
        owner=provider,
    )

    for user in (ANONYMOUS, outsider):
        found = recommendations_for_instrument(user, world["instruments"]["scan"])
        assert draft.slug not in _keys(found.similar)
    assert recommendations_for_instrument(ANONYMOUS, draft).similar == []


# ---------------------------------------------------------------- community page


def test_a_community_recommends_communities_elsewhere_first(world):
    communities, instruments = world["communities"], world["instruments"]
    found = recommendations_for_community(ANONYMOUS, communities["start"])

    ordered = [pick.community for pick in found.communities]
    assert communities["start"] not in ordered
    assert ordered.index(communities["crossover"]) < ordered.index(communities["neighbour"])
    assert found.communities[0].crossover
    used = _slugs(found.instruments)
    assert {instruments["kompas"].slug, instruments["logboek"].slug} <= used
    assert instruments["scan"].slug not in used  # already used by the community itself


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_a_community_page_hides_closed_communities_and_their_instruments(world, who, outsider):
    user = ANONYMOUS if who == "anonymous" else outsider
    communities, instruments = world["communities"], world["instruments"]
    found = recommendations_for_community(user, communities["start"])

    shown = {pick.community for pick in found.communities}
    assert communities["members"] in shown  # listed to everyone
    assert communities["confidential"] not in shown
    used = _slugs(found.instruments)
    assert instruments["leden"].slug not in used
    assert instruments["geheim"].slug not in used


def test_members_see_their_closed_communities_on_a_community_page(world):
    communities, instruments = world["communities"], world["instruments"]
    found = recommendations_for_community(world["member"], communities["start"])

    assert communities["confidential"] in {pick.community for pick in found.communities}
    assert {instruments["leden"].slug, instruments["geheim"].slug} <= _slugs(found.instruments)


@pytest.mark.parametrize("who", ["anonymous", "outsider", "member"])
def test_the_community_page_shows_the_section(world, who, client, outsider):
    if who == "outsider":
        client.force_login(outsider)
    elif who == "member":
        client.force_login(world["member"])
    response = client.get(world["communities"]["start"].get_absolute_url())

    assert response.status_code == 200
    assert 'data-testid="community-recommendations"' in response.text
    assert world["communities"]["crossover"].get_absolute_url() in response.text
    assert ("Wijkgemeenschap confidential" in response.text) == (who == "member")
    assert (world["instruments"]["geheim"].get_absolute_url() in response.text) == (who == "member")


def _more_similar_communities(world, n: int = 4) -> None:
    facilitator = UserFactory()
    for i in range(n):
        other = make_community(
            facilitator=facilitator, name=f"Wijkgemeenschap extra {i}", challenge=CHALLENGE
        )
        for name in ("scan", ("kompas", "buren")[i % 2]):
            make_experience(
                instrument=world["instruments"][name], author=facilitator, community=other
            )


def test_the_community_section_runs_a_constant_number_of_queries(world, monkeypatch):
    community = world["communities"]["start"]
    community.viewer_can_read = True
    request = RequestFactory().get(community.get_absolute_url())
    request.user = ANONYMOUS
    counter = QueryCounter(monkeypatch)

    small = counter(lambda: community_section(request, community))
    _more_similar_communities(world)

    # Besides one similar_to call: 1 the picked communities, 1 sector names, 1 this
    # community's experiences, 1 its journal entries, 1 the similar communities'
    # experiences, 1 their journal entries, 1 the instruments they used.
    assert counter(lambda: community_section(request, community)) == small
    assert small[1] == 7


def test_the_instrument_recommendations_run_a_constant_number_of_queries(world, monkeypatch):
    instrument = world["instruments"]["scan"]
    counter = QueryCounter(monkeypatch)

    def recommend():
        found = recommendations_for_instrument(ANONYMOUS, instrument)
        assert found.similar and found.worked_in_similar_contexts

    small = counter(recommend)
    _more_similar_communities(world)

    # Besides one similar_to and one similar_to_group call: 1 the readable communities that
    # used it, 1 the picked communities, 1 sector names, 1 their experiences, 1 their
    # journal entries, 1 the instruments they used.
    assert counter(recommend) == small
    assert small[1] == 6


# ---------------------------------------------------------------- question page


def test_a_question_gets_candidate_instruments(world, client, outsider):
    question = make_question(
        author=outsider,
        title="Wie heeft iets voor een wijk waar bewoners afhaken?",
        body="Er gebeurt niets en de bewoners haken af.",
    )

    found = recommendations_for_question(ANONYMOUS, question)
    response = client.get(question.get_absolute_url())

    assert found
    assert all(result.kind == "instrument" for result in found)
    assert 'data-testid="question-recommendations"' in response.text
    assert found[0].url in response.text


def test_a_question_never_gets_someone_elses_draft(world, provider, outsider):
    draft = _instrument(
        "vraagconcept",
        "Bewonersconcept",
        "Als bewoners afhaken en er niets gebeurt.",
        status="draft",
        owner=provider,
    )
    question = make_question(
        author=outsider, title="Bewoners afhaken", body="Er gebeurt niets als bewoners afhaken."
    )

    assert draft.slug not in _keys(recommendations_for_question(ANONYMOUS, question))
    assert draft.slug not in _keys(recommendations_for_question(outsider, question))
    assert draft.slug in _keys(recommendations_for_question(provider, question))
