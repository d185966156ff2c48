""" "Describe your situation" (/situatie/): the form, its validation and what it returns.

The test embedder is deterministic but knows no meaning, so the texts share words with
the situation for BM25 and the hashing embedder to find them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.tests.factories import UserFactory
from communities.tests.factories import add_member, make_community
from experiences.tests.factories import make_experience
from instruments.models import Organisation
from instruments.services import sector_get_or_create
from instruments.tests.factories import InstrumentFactory
from search.recommendations import situation_matches

pytestmark = pytest.mark.django_db

URL = "/situatie/"
SITUATION = (
    "Onze energiecoöperatie wil de wijk aardgasvrij maken. De bewoners haken af, de partners "
    "zijn het eens maar er gebeurt niets en de warmtewet blijft liggen."
)


def _instrument(n, title, phases, text, **fields):
    return InstrumentFactory(
        n=n,
        title=title,
        phases=phases,
        summary=text,
        description=text,
        keywords=["aardgasvrij"],
        **fields,
    )


@pytest.fixture
def library():
    """Instruments for three phases sharing the situation's words, and one that does not."""
    return {
        "partnerscan": _instrument(
            "partnerscan",
            "Partnerscan aardgasvrije wijk",
            ["starten", "ontwerpen"],
            "Breng partners en bewoners van de wijk in kaart als iedereen het eens is maar er "
            "gebeurt niets in de energiecoöperatie.",
        ),
        "sprintbord": _instrument(
            "sprintbord",
            "Sprintbord warmtewet",
            ["uitvoeren"],
            "Een actiesprint voor de wijk als bewoners afhaken en het aardgasvrij maken stilvalt.",
        ),
        "borging": _instrument(
            "borging",
            "Borgingsplan energiecoöperatie",
            ["verduurzamen"],
            "Houd de energiecoöperatie en de bewoners van de wijk na het project aan boord.",
        ),
        "rekenles": InstrumentFactory(
            n="rekenles",
            title="Rekenles kleuters",
            phases=["starten"],
            summary="Tellen met blokken in de klas.",
            description="Tellen met blokken.",
            keywords=["onderwijs"],
            sectors=["onderwijs"],
        ),
    }


@pytest.fixture
def closed_world(library, provider):
    """A public, a members-only and a confidential community with a challenge like the
    situation, each with an experience of the partner scan by its own author."""
    facilitator = UserFactory(name="Fien Facilitator")
    member = UserFactory(name="Mo Lid")
    made = {"member": member}
    sector_get_or_create("zorg-welzijn")
    for visibility, region in (
        ("public", "Utrecht"),
        ("members", "Groningen"),
        ("confidential", "Zeeland"),
    ):
        community = make_community(
            facilitator=facilitator,
            visibility=visibility,
            name=f"Energiecoöperatie {visibility}",
            challenge="De wijk aardgasvrij maken terwijl bewoners afhaken en er niets gebeurt.",
            sectors=["energie"],
            region=region,
        )
        add_member(community, member)
        author = UserFactory(name=f"Auteur {visibility}")
        add_member(community, author)
        experience = make_experience(
            instrument=library["partnerscan"],
            author=author,
            community=community,
            what_was_done=f"Wij brachten de bewoners van de wijk in kaart ({visibility}).",
        )
        made[visibility] = (community, experience, author)
    return made


def _post(client, text=SITUATION, **extra):
    return client.post(URL, {"tekst": text, **extra})


def test_the_empty_form_explains_what_to_write(client):
    response = client.get(URL)

    assert response.status_code == 200
    assert response.context["matches"] is None
    assert 'name="tekst"' in response.text
    assert 'name="csrfmiddlewaretoken"' in response.text


def test_instruments_are_grouped_by_phase_in_the_phases_order(client, library):
    response = _post(client)

    assert response.status_code == 200
    phases = response.context["matches"].phases
    order = [group.phase for group in phases]
    assert order == sorted(
        order, key=["starten", "ontwerpen", "uitvoeren", "verduurzamen", ""].index
    )
    slugs = {group.phase: [i.slug for i, _ in group.items] for group in phases}
    assert "instrument-partnerscan" in slugs["starten"]
    assert "instrument-partnerscan" in slugs["ontwerpen"]
    assert "instrument-sprintbord" in slugs["uitvoeren"]
    assert "instrument-borging" in slugs["verduurzamen"]
    assert 'data-phase="uitvoeren"' in response.text
    assert library["sprintbord"].get_absolute_url() in response.text


def test_every_item_says_why_it_matched(client, library):
    response = _post(client)

    for group in response.context["matches"].phases:
        for _instrument, result in group.items:
            assert result.reason in ("terms", "meaning", "context")
    assert 'class="why"' in response.text


def test_a_get_with_the_text_gives_the_same_page_as_a_link(client, library):
    posted = _post(client)
    shared = client.get(URL, {"tekst": SITUATION})

    assert [g.phase for g in shared.context["matches"].phases] == [
        g.phase for g in posted.context["matches"].phases
    ]
    assert posted.context["share_url"].startswith(URL + "?tekst=")


@pytest.mark.parametrize("text", ["", "Te kort.", "een twee drie vier vijf zes zeven"])
def test_too_short_a_text_is_refused_with_a_message_and_kept(client, library, text):
    response = _post(client, text=text)

    assert response.status_code == 200
    assert response.context["matches"] is None
    assert response.context["form"].errors["tekst"]
    assert 'class="error-summary"' in response.text
    if text:
        assert text in response.text


def test_too_long_a_text_is_refused(client):
    response = _post(client, text="woord " * 1000)

    assert response.context["form"].errors["tekst"]
    assert response.context["matches"] is None


def test_an_unknown_sector_is_refused(client):
    response = _post(client, sector="bestaat-niet")

    assert response.context["form"].errors["sector"]


def test_nothing_matching_shows_the_empty_state(client):
    response = _post(client, text="Xylofoon quasar zwembandje " * 5)

    assert response.status_code == 200
    assert not response.context["matches"]
    assert 'data-testid="situation-empty"' in response.text


def test_communities_in_another_sector_and_region_come_first(client, library, provider):
    sector_get_or_create("energie")
    same = make_community(
        facilitator=provider,
        name="Wijk aardgasvrij Utrecht",
        challenge="De wijk aardgasvrij maken terwijl bewoners afhaken en er niets gebeurt.",
        sectors=["energie"],
        region="Utrecht",
    )
    other = make_community(
        facilitator=provider,
        name="Zorgwijk Maastricht",
        challenge="Bewoners van de wijk haken af en er gebeurt niets, al is iedereen het eens.",
        sectors=["zorg-welzijn"],
        region="Maastricht",
    )

    unranked = situation_matches(AnonymousUser(), SITUATION)
    crossover = _post(client, sector="energie", regio="Utrecht").context["matches"]

    assert {p.community for p in unranked.communities} >= {same, other}
    assert not any(p.crossover for p in unranked.communities)
    ordered = [p.community for p in crossover.communities]
    assert ordered.index(other) < ordered.index(same)
    assert crossover.communities[0].crossover


def test_people_who_used_the_instruments_show_name_and_organisation(client, library):
    organisation = Organisation.objects.create(slug="wijkwerk", name="Wijkwerk BV")
    person = UserFactory(name="Wim Wijkwerker", organisation=organisation)
    make_experience(
        instrument=library["sprintbord"],
        author=person,
        what_was_done="Sprintbord in de wijk gebruikt toen bewoners afhaakten.",
    )

    response = _post(client)

    people = response.context["matches"].people
    assert person in [p.user for p in people]
    assert "Wim Wijkwerker" in response.text
    assert "Wijkwerk BV" in response.text


# ---------------------------------------------------------------- visibility


def _visible(response):
    matches = response.context["matches"]
    return {
        "communities": {p.community.pk for p in matches.communities},
        "experiences": {e.pk for e, _ in matches.experiences},
        "people": {p.user.pk for p in matches.people},
    }


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_outsiders_see_only_what_they_may(client, outsider_client, closed_world, who):
    response = _post(client if who == "anonymous" else outsider_client)
    seen = _visible(response)

    public, members, confidential = (closed_world[v] for v in ("public", "members", "confidential"))
    assert public[0].pk in seen["communities"]
    assert members[0].pk in seen["communities"]  # listed to everyone, content closed
    assert confidential[0].pk not in seen["communities"]
    assert public[1].pk in seen["experiences"]
    assert {members[1].pk, confidential[1].pk}.isdisjoint(seen["experiences"])
    assert public[2].pk in seen["people"]
    assert {members[2].pk, confidential[2].pk}.isdisjoint(seen["people"])
    for word in ("Energiecoöperatie confidential", "Auteur members", "Auteur confidential"):
        assert word not in response.text


def test_members_see_their_communities_content(client, closed_world):
    client.force_login(closed_world["member"])
    seen = _visible(_post(client))

    for visibility in ("public", "members", "confidential"):
        community, experience, author = closed_world[visibility]
        assert community.pk in seen["communities"]
        assert experience.pk in seen["experiences"]
        assert author.pk in seen["people"]


def test_the_page_runs_a_constant_number_of_queries(client, closed_world, library, monkeypatch):
    from search.tests.test_recommendations import QueryCounter

    counter = QueryCounter(monkeypatch)

    def submit():
        matches = _post(client).context["matches"]
        assert matches.phases and matches.communities and matches.experiences
        assert matches.people

    small = counter(submit)
    for i in range(5):
        make_experience(
            instrument=library[("sprintbord", "borging")[i % 2]],
            author=UserFactory(),
            what_was_done=f"De wijk aardgasvrij gemaakt met de bewoners, ronde {i}.",
        )

    # Besides three similar_to_text calls (instruments, communities, experiences):
    # 1 the instruments with 3 prefetches (phases, sector links, their sectors);
    # 1 the communities, 1 sector names; 1 the experiences with instrument, community and
    # sector; 1 the people with their organisations; 1 the sectors of the form.
    assert counter(submit) == small
    assert small[1] == 9
