"""How queries are prepared before ranking: long situations cut to key sentences, the
relevance cut-off, pseudo-relevance feedback from public passages only, and ``within``."""

from __future__ import annotations

import numpy as np
import pytest
from django.contrib.auth.models import AnonymousUser

from communities.tests.factories import make_community
from experiences.tests.factories import make_experience
from instruments.tests.factories import InstrumentFactory
from search import retrieval
from search.selectors import search
from search.text import key_sentences

pytestmark = pytest.mark.django_db

ANONYMOUS = AnonymousUser()


def test_a_short_query_is_kept_as_it_is():
    assert key_sentences("  stuurgroep   samenstellen ") == "stuurgroep samenstellen"


def test_a_long_situation_keeps_its_telling_sentences_in_order():
    filler = "We zijn met z'n allen bij elkaar gekomen en dat was fijn. " * 30
    telling = "De energiecoöperatie zoekt huurders voor warmtepompen in de wijk."
    text = filler + telling + " " + filler
    kept = key_sentences(text, budget=40)
    assert telling in kept
    assert len(kept.split()) <= 40
    assert len(text.split()) > 300


def test_results_below_the_relevance_cut_off_are_not_counted(settings):
    InstrumentFactory(title="Warmtenet wijkaanpak", summary="warmtenet warmtenet warmtenet")
    InstrumentFactory(title="Iets anders", summary="een warmtenet terloops genoemd tussen veel")
    settings.SEARCH_WEIGHTS = {**settings.SEARCH_WEIGHTS, "min_relative": 0.0}
    everything = search(user=ANONYMOUS, query="warmtenet", limit=50)
    settings.SEARCH_WEIGHTS = {**settings.SEARCH_WEIGHTS, "min_relative": 0.99}
    best_only = search(user=ANONYMOUS, query="warmtenet", limit=50)
    assert best_only.total < everything.total
    assert best_only.total == len(best_only.ranked) >= 1
    assert best_only.results[0].key == everything.results[0].key


def test_within_limits_a_kind_to_the_given_ids_before_paging():
    wanted = InstrumentFactory(title="Zonnedak coöperatie")
    InstrumentFactory(title="Zonnedak gemeente")
    found = search(user=ANONYMOUS, query="zonnedak", within={"instrument": [wanted.pk]})
    assert [r.key for r in found] == [wanted.slug]
    assert found.total == 1


def test_feedback_never_learns_from_text_an_anonymous_visitor_cannot_read(monkeypatch, outsider):
    """The feedback passages steer every visitor's ranking, so only public ones count."""
    community = make_community(facilitator=outsider, visibility="confidential")
    instrument = InstrumentFactory(title="Gewoon instrument")
    secret = make_experience(
        instrument=instrument,
        author=outsider,
        community=community,
        what_was_done="vertrouwelijkwoord geheimwoord",
    )
    seen = []
    real = retrieval._feedback_vector

    def spy(query, vectors):
        seen.append(np.asarray(vectors).copy())
        return real(query, vectors)

    monkeypatch.setattr(retrieval, "_feedback_vector", spy)
    search(user=outsider, query="vertrouwelijkwoord geheimwoord")
    from search.embedding import from_bytes
    from search.models import SearchChunk

    secret_vectors = [
        from_bytes(v)
        for v in SearchChunk.objects.filter(
            document__kind="experience", document__object_id=secret.pk
        ).values_list("embedding", flat=True)
    ]
    assert seen, "feedback ran"
    for used in seen:
        for vector in used:
            assert not any(np.allclose(vector, s) for s in secret_vectors)


def test_a_large_corpus_uses_the_approximate_index_with_the_same_best_results(settings):
    """Above SEARCH_ANN_MIN_CHUNKS the dense side asks a faiss IVF index instead of
    scanning every chunk; on a small corpus forced over the threshold its best result
    matches the exact scan."""
    from search.ranking import get_index

    for n in range(40):
        InstrumentFactory(n=f"ann{n}", title=f"Instrument {n} over thema{n % 7} en wijk{n}")
    exact = search(user=ANONYMOUS, query="thema3 wijk10", mode="dense", limit=5)
    assert get_index().ann is None
    settings.SEARCH_ANN_MIN_CHUNKS = 1
    InstrumentFactory(n="ann-last", title="Nog een instrument")  # a new index version
    assert get_index().ann is not None
    approximate = search(user=ANONYMOUS, query="thema3 wijk10", mode="dense", limit=5)
    assert approximate.results[0].key == exact.results[0].key
