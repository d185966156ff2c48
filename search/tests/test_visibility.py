"""Search and recommendations never return what the user may not read, and words from
members-only or confidential content never make a public item findable."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from communities.tests.factories import add_member, make_community
from experiences.tests.factories import make_experience
from instruments.tests.factories import InstrumentFactory
from journal.tests.factories import make_entry
from search.selectors import search, similar_to

pytestmark = pytest.mark.django_db

ANONYMOUS = AnonymousUser()


def _keys(results, kind=None):
    return {(r.kind, r.key) for r in results if kind is None or r.kind == kind}


@pytest.fixture
def world(outsider, provider):
    """A public, members-only and confidential community, each with an experience and a
    journal entry carrying a unique word, and a draft instrument."""
    from accounts.tests.factories import UserFactory

    facilitator = UserFactory()
    member = UserFactory()
    instrument = InstrumentFactory(title="Gewoon instrument")
    draft = InstrumentFactory(title="Geheim concept zeppelinhaven", status="draft", owner=provider)
    made = {"instrument": instrument, "draft": draft, "member": member}
    for visibility, word in (
        ("public", "openbaarwoord"),
        ("members", "ledenwoord"),
        ("confidential", "vertrouwelijkwoord"),
    ):
        community = make_community(
            facilitator=facilitator, visibility=visibility, name=f"Gemeenschap {word}"
        )
        add_member(community, member)
        experience = make_experience(
            instrument=instrument,
            author=facilitator,
            community=community,
            what_was_done=f"Wij gebruikten het met {word} en veel succes.",
        )
        entry = make_entry(
            community=community,
            author=facilitator,
            title=f"Verslag {word}",
            text=f"Over {word}.",
            instruments=[instrument],
        )
        made[visibility] = (community, experience, entry, word)
    return made


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_outsiders_find_only_public_content(world, who, outsider):
    user = ANONYMOUS if who == "anonymous" else outsider
    assert _keys(search(user=user, query="openbaarwoord"))
    for visibility in ("members", "confidential"):
        community, experience, entry, word = world[visibility]
        found = _keys(search(user=user, query=word, limit=50))
        assert ("experience", str(experience.pk)) not in found
        assert ("journal_entry", str(entry.pk)) not in found
        lexical = _keys(search(user=user, query=word, mode="bm25", limit=50))
        assert ("instrument", world["instrument"].slug) not in lexical
    found = _keys(search(user=user, query="Gemeenschap vertrouwelijkwoord", limit=100))
    assert ("community", world["confidential"][0].slug) not in found
    assert ("community", world["members"][0].slug) in found  # listed, not readable
    assert ("instrument", world["draft"].slug) not in _keys(
        search(user=user, query="zeppelinhaven", limit=100)
    )


def test_members_find_their_communities_content_but_public_items_get_public_words_only(world):
    member = world["member"]
    for visibility in ("members", "confidential"):
        community, experience, entry, word = world[visibility]
        found = _keys(search(user=member, query=word, limit=50))
        assert ("experience", str(experience.pk)) in found
        assert ("journal_entry", str(entry.pk)) in found
        # The instrument is public: a confidential experience's words must not find it,
        # not even for members (bm25 only: in meaning, any text is "similar").
        lexical = _keys(search(user=member, query=word, mode="bm25", limit=50))
        assert ("instrument", world["instrument"].slug) not in lexical
    lexical = _keys(search(user=member, query="openbaarwoord", mode="bm25"))
    assert ("instrument", world["instrument"].slug) in lexical


def test_the_draft_is_found_by_its_provider_only(world, provider, outsider):
    assert ("instrument", world["draft"].slug) in _keys(
        search(user=provider, query="zeppelinhaven")
    )
    assert ("instrument", world["draft"].slug) not in _keys(
        search(user=outsider, query="zeppelinhaven", limit=100)
    )


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_similar_to_never_recommends_hidden_content(world, who, outsider):
    user = ANONYMOUS if who == "anonymous" else outsider
    hidden = {("instrument", world["draft"].slug)}
    for visibility in ("members", "confidential"):
        community, experience, entry, _word = world[visibility]
        hidden |= {("experience", str(experience.pk)), ("journal_entry", str(entry.pk))}
    hidden.add(("community", world["confidential"][0].slug))
    found = _keys(similar_to(user=user, kind="instrument", key=world["instrument"].slug, limit=100))
    assert found
    assert not found & hidden
    # A hidden document gives no recommendations at all.
    community, experience, *_ = world["confidential"]
    assert similar_to(user=user, kind="experience", key=str(experience.pk)) == []


def test_paging_counts_only_visible_documents(world, outsider):
    everything = search(user=outsider, query="Wij gebruikten het met en veel succes", limit=100)
    assert everything.total == len(everything.results)
    page = search(user=outsider, query="Wij gebruikten het met en veel succes", limit=1, offset=1)
    assert page.total == everything.total
    assert [r.key for r in page] == [r.key for r in everything.results[1:2]]


@pytest.mark.parametrize("who", ["anonymous", "outsider", "member"])
def test_neighbours_hidden_near_the_top_are_made_up_from_deeper(world, who, outsider, monkeypatch):
    """``similar_to`` looks at the nearest few first; when hidden documents crowd them out,
    it looks deeper, so a shallow first look never costs a viewer a visible neighbour."""
    from search import retrieval

    user = {"anonymous": ANONYMOUS, "outsider": outsider, "member": world["member"]}[who]

    def neighbours(limit):
        return [
            (r.kind, r.key)
            for r in similar_to(
                user=user, kind="instrument", key=world["instrument"].slug, limit=limit
            )
        ]

    monkeypatch.setattr(retrieval, "NEIGHBOUR_DEPTH", retrieval.DEPTH)
    full = {limit: neighbours(limit) for limit in (1, 3, 100)}
    monkeypatch.setattr(retrieval, "NEIGHBOUR_DEPTH", 1)
    assert len(full[100]) >= 3
    assert {limit: neighbours(limit) for limit in (1, 3, 100)} == full
