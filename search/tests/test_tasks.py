"""Index upkeep through the background queue (``TASKS_INLINE`` off, the real database
broker, the queue run in process by ``jobs.tests.worker.run_queue``).

Saving queues the embedding instead of doing it in the request; whatever search must stop
showing (hidden content, words of a community that is no longer public) goes at once, before
any worker runs."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.test import override_settings
from django_q.models import OrmQ, Success

from communities.services import community_update
from communities.tests.factories import make_community
from experiences.tests.factories import make_experience
from instruments.tests.factories import InstrumentFactory
from jobs.tests.worker import run_queue
from moderation.constants import ModerationState
from moderation.services import set_state
from questions.tests.factories import make_answer, make_question
from search import tasks
from search.embedding import HashingEmbedder
from search.models import SearchDocument
from search.selectors import search

pytestmark = pytest.mark.django_db

ANONYMOUS = AnonymousUser()
queued = override_settings(TASKS_INLINE=False)


def _found(query: str, kind: str = "instrument", mode: str = "bm25") -> set[str]:
    return {
        r.key for r in search(user=ANONYMOUS, query=query, mode=mode, limit=50) if r.kind == kind
    }


def _queued_funcs() -> list[str]:
    return [package.func() for package in OrmQ.objects.order_by("pk")]


@pytest.fixture
def embeddings(monkeypatch) -> list[int]:
    """How many passages were embedded (one entry per call)."""
    calls: list[int] = []
    real = HashingEmbedder.embed_passages

    def counted(self, texts):
        calls.append(len(texts))
        return real(self, texts)

    monkeypatch.setattr(HashingEmbedder, "embed_passages", counted)
    return calls


@queued
def test_saving_queues_the_indexing_and_the_worker_does_it(
    django_capture_on_commit_callbacks, embeddings
):
    with django_capture_on_commit_callbacks(execute=True):
        instrument = InstrumentFactory(title="Warmtewisselaar buurtproef")

    assert embeddings == []
    assert not SearchDocument.objects.filter(kind="instrument", object_id=instrument.pk).exists()
    assert "search.tasks.index_item" in _queued_funcs()
    assert _found("warmtewisselaar") == set()

    assert run_queue() >= 1

    assert embeddings
    assert OrmQ.objects.count() == 0
    assert Success.objects.filter(func="search.tasks.index_item", group="search").exists()
    assert _found("warmtewisselaar") == {instrument.slug}


@queued
def test_nothing_is_queued_before_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        InstrumentFactory(title="Nog niet bewaard")
    assert callbacks
    assert OrmQ.objects.count() == 0  # a rolled-back save would never run the callbacks


def test_hiding_an_item_takes_it_out_of_search_at_once(django_capture_on_commit_callbacks):
    instrument = InstrumentFactory(title="Zichtbaar zonnedak")  # indexed inline (test settings)
    assert _found("zonnedak") == {instrument.slug}

    with queued, django_capture_on_commit_callbacks(execute=True):
        set_state(instrument, ModerationState.HIDDEN)

    assert not SearchDocument.objects.filter(kind="instrument", object_id=instrument.pk).exists()
    assert _found("zonnedak", mode="hybrid") == set()
    assert OrmQ.objects.count() == 0  # nothing to wait for


def test_hiding_an_experience_takes_its_words_out_of_the_instrument_at_once(
    django_capture_on_commit_callbacks, outsider
):
    instrument = InstrumentFactory(title="Energiecoach")
    experience = make_experience(
        instrument=instrument, author=outsider, what_was_done="Het kwartiermakerswoord werkte."
    )
    assert _found("kwartiermakerswoord") == {instrument.slug}

    with queued, django_capture_on_commit_callbacks(execute=True):
        set_state(experience, ModerationState.HIDDEN)

    assert _found("kwartiermakerswoord") == set()
    assert _found("kwartiermakerswoord", kind="experience") == set()
    assert _found("energiecoach") == {instrument.slug}  # its own text still counts
    assert _queued_funcs() == ["search.tasks.refresh_instruments"]

    run_queue()
    assert _found("kwartiermakerswoord") == set()
    assert _found("energiecoach") == {instrument.slug}


def test_hiding_an_answer_takes_its_words_out_of_question_and_instrument_at_once(
    django_capture_on_commit_callbacks, outsider, provider
):
    instrument = InstrumentFactory(title="Buurtbus")
    question = make_question(author=outsider, title="Wie rijdt de buurtbus?")
    answer = make_answer(
        question=question, author=provider, body="Vraag het pendelwoord.", instruments=[instrument]
    )
    assert _found("pendelwoord") == {instrument.slug}
    assert _found("pendelwoord", kind="question") == {str(question.pk)}

    with queued, django_capture_on_commit_callbacks(execute=True):
        set_state(answer, ModerationState.HIDDEN)

    assert _found("pendelwoord") == set()
    assert _found("pendelwoord", kind="question") == set()

    run_queue()  # the question comes back, without the hidden answer
    assert _found("buurtbus", kind="question") == {str(question.pk)}
    assert _found("pendelwoord", kind="question") == set()
    assert _found("pendelwoord") == set()


def test_a_community_going_private_stops_its_words_counting_at_once(
    django_capture_on_commit_callbacks, outsider
):
    community = make_community(facilitator=outsider, visibility="public")
    instrument = InstrumentFactory(title="Dorpsraad")
    make_experience(
        instrument=instrument,
        author=outsider,
        community=community,
        what_was_done="Met het dorpsplanwoord erbij.",
    )
    assert _found("dorpsplanwoord") == {instrument.slug}

    with queued, django_capture_on_commit_callbacks(execute=True):
        community_update(user=outsider, community=community, visibility="members")

    assert _found("dorpsplanwoord") == set()
    assert _found("dorpsplanwoord", kind="experience") == set()
    assert "search.tasks.refresh_instruments" in _queued_funcs()

    run_queue()
    assert _found("dorpsplanwoord") == set()
    assert _found("dorpsraad") == {instrument.slug}


def test_editing_a_community_without_changing_visibility_leaves_instruments_alone(
    django_capture_on_commit_callbacks, outsider
):
    community = make_community(facilitator=outsider, visibility="public")
    make_experience(instrument=InstrumentFactory(), author=outsider, community=community)

    with queued, django_capture_on_commit_callbacks(execute=True):
        community_update(user=outsider, community=community, challenge="Een nieuwe opgave.")

    assert _queued_funcs() == ["search.tasks.index_item"]


def test_index_item_skips_a_deleted_row_and_removes_a_hidden_one():
    instrument = InstrumentFactory(title="Verdwijnpunt")
    tasks.index_item("instruments.instrument", instrument.pk + 1000)  # no such row: nothing

    instrument.__class__.all_objects.filter(pk=instrument.pk).update(
        moderation_state=ModerationState.HIDDEN
    )
    tasks.index_item("instruments.instrument", instrument.pk)
    assert not SearchDocument.objects.filter(kind="instrument", object_id=instrument.pk).exists()


@queued
def test_rebuild_command_queues_the_rebuild_with_background(django_capture_on_commit_callbacks):
    InstrumentFactory(title="Herbouwde zoekindex")
    SearchDocument.objects.all().delete()
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rebuild_search_index", "--background", stdout=out)

    assert "Queued" in out.getvalue()
    assert _queued_funcs()[-1] == "search.tasks.rebuild_index"
    run_queue()
    assert _found("herbouwde") != set()
    result = Success.objects.get(func="search.tasks.rebuild_index").result
    assert result["documents"] >= 1


def test_hiding_a_question_takes_its_answers_words_out_of_instruments_at_once(
    django_capture_on_commit_callbacks, outsider, provider
):
    instrument = InstrumentFactory(title="Deelauto")
    question = make_question(author=outsider, title="Wie kent het autodeelwoord?")
    make_answer(question=question, author=provider, body="Kijk hier.", instruments=[instrument])
    assert _found("autodeelwoord") == {instrument.slug}

    with queued, django_capture_on_commit_callbacks(execute=True):
        set_state(question, ModerationState.HIDDEN)

    assert _found("autodeelwoord") == set()
    assert _found("autodeelwoord", kind="question") == set()
    run_queue()
    assert _found("autodeelwoord") == set()
    assert _found("deelauto") == {instrument.slug}
