"""Index upkeep: saving content updates its search document, deleting removes it."""

from __future__ import annotations

import io

import numpy as np
import pytest
from django.core.management import call_command

from accounts.tests.factories import UserFactory
from communities.tests.factories import make_community
from experiences.tests.factories import make_experience
from instruments.tests.factories import InstrumentFactory
from questions.tests.factories import make_answer, make_question
from search.embedding import HashingEmbedder, from_bytes
from search.models import SearchChunk, SearchDocument
from search.services import indexing_paused
from search.text import chunk

pytestmark = pytest.mark.django_db


def _document(kind, obj):
    return SearchDocument.objects.filter(kind=kind, object_id=obj.pk).first()


def test_saving_an_instrument_indexes_it_and_deleting_removes_it():
    instrument = InstrumentFactory(title="Zonnepanelen op het dak")
    document = _document("instrument", instrument)
    assert document is not None
    assert document.key == instrument.slug
    assert "Zonnepanelen" in document.text
    assert document.chunks.count() >= 1

    instrument.title = "Warmtepompen in de wijk"
    instrument.save()
    document.refresh_from_db()
    assert document.title == "Warmtepompen in de wijk"

    instrument.delete()
    assert _document("instrument", instrument) is None
    assert not SearchChunk.objects.filter(document_id=document.pk).exists()


def test_a_public_experience_adds_its_words_to_the_instrument_and_leaves_on_delete(outsider):
    instrument = InstrumentFactory()
    experience = make_experience(
        instrument=instrument, author=outsider, what_was_done="Wij deden een kruisbestuiving."
    )
    assert _document("experience", experience) is not None
    assert "kruisbestuiving" in " ".join(
        _document("instrument", instrument).chunks.values_list("text", flat=True)
    )

    experience.delete()
    assert _document("experience", experience) is None
    assert "kruisbestuiving" not in " ".join(
        _document("instrument", instrument).chunks.values_list("text", flat=True)
    )


def test_an_answer_linking_an_instrument_refreshes_it_and_its_question(outsider):
    instrument = InstrumentFactory()
    question = make_question(author=outsider, title="Wie kent een werkvorm voor ijsbrekers?")
    make_answer(
        question=question,
        author=UserFactory(),
        body="Probeer de ballonvaart.",
        instruments=[instrument],
    )
    assert "ballonvaart" in _document("question", question).text
    texts = " ".join(_document("instrument", instrument).chunks.values_list("text", flat=True))
    assert "ballonvaart" in texts


def test_communities_are_indexed_without_their_lessons(outsider):
    community = make_community(facilitator=outsider, name="Gasvrije wijk Noord")
    assert _document("community", community).title == "Gasvrije wijk Noord"


def test_paused_indexing_skips_and_rebuild_restores_everything():
    with indexing_paused():
        instrument = InstrumentFactory(title="Zonder index")
    assert _document("instrument", instrument) is None

    out, err = io.StringIO(), io.StringIO()
    call_command("rebuild_search_index", stdout=out, stderr=err)
    assert _document("instrument", instrument) is not None
    assert "100.0%" in err.getvalue()
    assert "items/s" in out.getvalue()


def test_long_texts_are_chunked_at_sentences_with_the_title_in_front():
    sentence = "Dit is een zin met precies tien woorden erin voor jou. "
    chunks = chunk([sentence * 30], title="Titel")
    assert len(chunks) >= 3
    for text in chunks:
        assert text.startswith("Titel. ")
        assert len(text.split()) <= 135
        assert text.endswith("jou.")


class PassageCounter(HashingEmbedder):
    """The stand-in embedder, noting every passage it really embeds."""

    embedded: list[str] = []

    def embed_passages(self, texts):
        PassageCounter.embedded.extend(texts)
        return super().embed_passages(texts)


def test_a_post_embeds_only_the_new_passages_of_its_instrument(outsider, settings):
    """Re-indexing an instrument after a new experience embeds only what is new; the other
    passages keep their stored vectors, which are those a fresh embedding gives."""
    settings.SEARCH_EMBEDDER = "search.tests.test_index.PassageCounter"
    instrument = InstrumentFactory(summary="Een lange samenvatting over zonnepanelen.")
    for word in ("kruisbestuiving", "buurtkracht"):
        make_experience(instrument=instrument, author=outsider, what_was_done=f"Wij deden {word}.")
    PassageCounter.embedded = []

    make_experience(instrument=instrument, author=outsider, what_was_done="Wij deden dakwerk.")

    assert PassageCounter.embedded
    assert all("dakwerk" in text for text in PassageCounter.embedded)
    chunks = SearchChunk.objects.filter(
        document__object_id=instrument.pk, document__kind="instrument"
    )
    texts = list(chunks.values_list("text", flat=True))
    assert any("kruisbestuiving" in text for text in texts)
    stored = np.stack([from_bytes(vector) for vector in chunks.values_list("embedding", flat=True)])
    assert np.array_equal(stored, HashingEmbedder().embed_passages(texts))
