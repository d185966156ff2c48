"""Writes to the search index: build an item's document, index it, remove it, rebuild all.

Only text that the document's readers may read goes into it. An instrument is public, so
besides its own fields it takes words only from *public* experiences (outside a community
or in a public one), answers (questions are public) and journal entries of public
communities that link it: members-only or confidential words never feed its ranking.
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.db import models, transaction
from django.db.models import F, Q
from django.urls import NoReverseMatch

from moderation.constants import ModerationState
from search.embedding import Embedder, from_bytes, get_embedder, to_bytes
from search.models import DocumentKind, SearchChunk, SearchDocument, SearchIndexState
from search.text import chunk

_paused = threading.local()


@contextlib.contextmanager
def indexing_paused() -> Iterator[None]:
    """Skip index upkeep on save (bulk loads); rebuild the index afterwards."""
    previous = getattr(_paused, "value", False)
    _paused.value = True
    try:
        yield
    finally:
        _paused.value = previous


def indexing_is_paused() -> bool:
    return getattr(_paused, "value", False)


@dataclass
class DocumentDraft:
    kind: str
    object_id: int
    key: str
    title: str
    url: str
    community_id: int | None
    sections: list[str]
    linked_sections: list[str] = field(default_factory=list)
    is_public_text: bool = True

    @property
    def text(self) -> str:
        return "\n\n".join(s for s in self.sections if s)

    def chunks(self) -> list[tuple[str, bool]]:
        own = [(text, False) for text in chunk(self.sections, title=self.title)]
        linked = (
            [(text, True) for text in chunk(self.linked_sections, title=self.title)]
            if any(s.strip() for s in self.linked_sections)
            else []
        )
        return own + linked


def _url(obj) -> str:
    try:
        return obj.get_absolute_url()
    except (NoReverseMatch, AttributeError):
        return ""


def _join(values: Iterable) -> str:
    parts = []
    for value in values or []:
        if isinstance(value, dict):
            parts.append(" ".join(str(v) for v in value.values() if v))
        elif value:
            parts.append(str(value))
    return ". ".join(parts)


# ---------------------------------------------------------------- documents per kind


def _instrument_draft(instrument) -> DocumentDraft:
    from communities.models import Visibility
    from experiences.models import Experience
    from journal.models import JournalEntry
    from questions.models import Answer

    concepts = list(instrument.concepts.all())
    sections = [
        instrument.title,
        instrument.title_en,
        instrument.summary,
        _join(instrument.keywords),
        getattr(instrument, "when_to_use", "") or "",
        _join(f"{c.term} {c.term_en}".strip() for c in concepts),
        instrument.body,
        _join(instrument.steps),
    ]
    linked: list[str] = []
    for experience in Experience.objects.public().filter(instrument=instrument):
        linked.append(
            " ".join(
                [
                    experience.what_was_done,
                    experience.what_worked,
                    experience.what_did_not,
                    experience.adaptation,
                ]
            )
        )
    for answer in Answer.objects.filter(
        instruments=instrument, question__moderation_state=ModerationState.VISIBLE
    ).select_related("question"):
        linked.append(f"{answer.question.title} {answer.body}")
    for entry in JournalEntry.objects.filter(
        instruments=instrument, community__visibility=Visibility.PUBLIC
    ):
        linked.append(f"{entry.title}. {entry.text}")
    return DocumentDraft(
        kind=DocumentKind.INSTRUMENT,
        object_id=instrument.pk,
        key=instrument.slug,
        title=instrument.title,
        url=_url(instrument),
        community_id=None,
        sections=sections,
        linked_sections=linked,
    )


def _concept_draft(concept) -> DocumentDraft:
    return DocumentDraft(
        kind=DocumentKind.CONCEPT,
        object_id=concept.pk,
        key=concept.slug,
        title=concept.term,
        url=_url(concept),
        community_id=None,
        sections=[concept.term, concept.term_en, concept.definition],
    )


def _community_draft(community) -> DocumentDraft:
    # Only what is listed to everyone who may see the community exists: its name,
    # challenge and profile. Lessons and partners are members' content and stay out.
    return DocumentDraft(
        kind=DocumentKind.COMMUNITY,
        object_id=community.pk,
        key=community.slug,
        title=community.name,
        url=_url(community),
        community_id=None,
        sections=[
            community.name,
            community.challenge,
            _join(community.sectors),
            community.region,
            community.get_level_display() if community.level else "",
        ],
    )


def _experience_draft(experience) -> DocumentDraft:
    instrument = experience.instrument
    return DocumentDraft(
        kind=DocumentKind.EXPERIENCE,
        object_id=experience.pk,
        key=str(experience.pk),
        title=str(instrument.title),
        url=_url(experience),
        community_id=experience.community_id,
        is_public_text=experience.community_id is None
        or experience.community.visibility == "public",
        sections=[
            experience.what_was_done,
            experience.what_worked,
            experience.what_did_not,
            experience.adaptation,
        ],
    )


def _journal_entry_draft(entry) -> DocumentDraft:
    return DocumentDraft(
        kind=DocumentKind.JOURNAL_ENTRY,
        object_id=entry.pk,
        key=str(entry.pk),
        title=entry.title,
        url=_url(entry),
        community_id=entry.community_id,
        is_public_text=entry.community.visibility == "public",
        sections=[entry.title, entry.text],
    )


def _question_draft(question) -> DocumentDraft:
    answers = [answer.body for answer in question.answers.all()]
    return DocumentDraft(
        kind=DocumentKind.QUESTION,
        object_id=question.pk,
        key=str(question.pk),
        title=question.title,
        url=_url(question),
        community_id=None,
        sections=[question.title, question.body, *answers],
    )


def _builders() -> dict[type[models.Model], tuple[str, Callable]]:
    from communities.models import Community
    from experiences.models import Experience
    from instruments.models import Instrument
    from journal.models import JournalEntry
    from knowledge.models import Concept
    from questions.models import Question

    return {
        Instrument: (DocumentKind.INSTRUMENT, _instrument_draft),
        Concept: (DocumentKind.CONCEPT, _concept_draft),
        Community: (DocumentKind.COMMUNITY, _community_draft),
        Experience: (DocumentKind.EXPERIENCE, _experience_draft),
        JournalEntry: (DocumentKind.JOURNAL_ENTRY, _journal_entry_draft),
        Question: (DocumentKind.QUESTION, _question_draft),
    }


def _querysets() -> list[models.QuerySet]:
    from communities.models import Community
    from experiences.models import Experience
    from instruments.models import Instrument
    from journal.models import JournalEntry
    from knowledge.models import Concept
    from questions.models import Question

    return [
        Instrument.objects.prefetch_related("concepts").order_by("pk"),
        Concept.objects.order_by("pk"),
        Community.objects.order_by("pk"),
        Experience.objects.select_related("instrument", "community").order_by("pk"),
        JournalEntry.objects.select_related("community").order_by("pk"),
        Question.objects.prefetch_related("answers").order_by("pk"),
    ]


def build_draft(obj) -> DocumentDraft | None:
    entry = _builders().get(type(obj))
    return entry[1](obj) if entry else None


# ---------------------------------------------------------------- writes


def bump_index_version() -> None:
    token = uuid.uuid4().hex
    updated = SearchIndexState.objects.filter(pk=1).update(version=F("version") + 1, token=token)
    if not updated:
        SearchIndexState.objects.update_or_create(pk=1, defaults={"version": 1, "token": token})


def _embed(
    drafts: list[DocumentDraft], embedder: Embedder, stored: dict[str, bytes] | None = None
) -> tuple[list, list]:
    """(each draft's chunks, the vectors of all of them in order). A text in ``stored``
    (text → its stored vector) is not embedded again."""
    stored = stored or {}
    texts: list[str] = []
    layout: list[list[tuple[str, bool]]] = []
    for draft in drafts:
        chunks = draft.chunks()
        layout.append(chunks)
        texts.extend(text for text, _ in chunks)
    new = list(dict.fromkeys(text for text in texts if text not in stored))
    fresh = dict(zip(new, embedder.embed_passages(new), strict=True)) if new else {}
    return layout, [fresh[text] if text in fresh else from_bytes(stored[text]) for text in texts]


def _stored_vectors(drafts: list[DocumentDraft]) -> dict[str, bytes]:
    """The stored vectors of the drafts' documents by chunk text. Why: a post re-indexes
    its instrument, whose document quotes every public experience with it; at 100k items
    embedding all those passages again cost the queue about 5 s of CPU per post, while
    only the new passage changed. A vector depends on the text alone, so a chunk whose
    text is stored keeps its vector (``rebuild_index`` embeds everything anew)."""
    if not drafts:
        return {}
    wanted = Q()
    for draft in drafts:
        wanted |= Q(document__kind=draft.kind, document__object_id=draft.object_id)
    return dict(SearchChunk.objects.filter(wanted).values_list("text", "embedding"))


def _store(drafts: list[DocumentDraft], embedder: Embedder) -> None:
    _write(drafts, *_embed(drafts, embedder))


def _write(drafts: list[DocumentDraft], layout: list, vectors: list) -> None:
    row = 0
    new_chunks = []
    for draft, chunks in zip(drafts, layout, strict=True):
        document, _ = SearchDocument.objects.update_or_create(
            kind=draft.kind,
            object_id=draft.object_id,
            defaults={
                "key": draft.key,
                "title": draft.title[:300],
                "url": draft.url[:300],
                "text": draft.text,
                "community_id": draft.community_id,
                "is_public_text": draft.is_public_text,
            },
        )
        document.chunks.all().delete()
        for position, (text, is_linked) in enumerate(chunks):
            new_chunks.append(
                SearchChunk(
                    document=document,
                    position=position,
                    text=text,
                    is_linked=is_linked,
                    embedding=to_bytes(vectors[row]),
                )
            )
            row += 1
    SearchChunk.objects.bulk_create(new_chunks)


def index_object(obj, *, embedder: Embedder | None = None) -> SearchDocument | None:
    """(Re)index one item; returns its document, or None for a kind that is not indexed.

    Held and hidden content (see ``moderation``) is taken out of the index instead: search
    must never show what moderation keeps from everyone."""
    entry = _builders().get(type(obj))
    if entry is None:
        return None
    index_objects([obj], embedder=embedder)
    return SearchDocument.objects.filter(kind=entry[0], object_id=obj.pk).first()


def _still_visible(obj) -> bool:
    """Whether the item's row still exists and is visible, read under the write lock: a
    hide or delete committed while the item was being embedded wins."""
    rows = type(obj)._base_manager.filter(pk=obj.pk)
    if not hasattr(obj, "moderation_state"):
        return rows.exists()
    state = rows.values_list("moderation_state", flat=True).first()
    return state == ModerationState.VISIBLE


def index_objects(objects: Iterable, *, embedder: Embedder | None = None) -> None:
    """(Re)index these items together: one write transaction and one version bump.

    The model runs *before* the transaction: with SQLite the transaction takes the
    database's one write lock, which every other writer (posting, sessions) would wait for
    while the model runs ("database is locked" once the wait exceeds the busy timeout).
    Under the lock each item's row is checked again and its draft built again from the rows
    as committed now; a draft that changed meanwhile is embedded there (rare). So what is
    stored is still the content as committed when the lock was taken, as before."""
    embedder = embedder or get_embedder()
    items = []
    for obj in objects:
        if type(obj) not in _builders():
            continue
        if getattr(obj, "moderation_state", ModerationState.VISIBLE) != ModerationState.VISIBLE:
            remove_object(obj)
        else:
            items.append(obj)
    if not items:
        return
    drafts = [build_draft(obj) for obj in items]
    layout, vectors = _embed(drafts, embedder, _stored_vectors(drafts))
    with transaction.atomic():
        same: list[tuple[DocumentDraft, list, list]] = []
        changed: list[DocumentDraft] = []
        at = 0
        for obj, draft, chunks in zip(items, drafts, layout, strict=True):
            part, at = vectors[at : at + len(chunks)], at + len(chunks)
            if obj.pk is not None and not _still_visible(obj):
                remove_object(obj)
                continue
            now = build_draft(obj)
            if now == draft:
                same.append((draft, chunks, part))
            else:
                changed.append(now)
        if same:
            _write(
                [draft for draft, _, _ in same],
                [chunks for _, chunks, _ in same],
                [vector for _, _, part in same for vector in part],
            )
        if changed:
            _store(changed, embedder)  # changed while it was embedded: embed it again
        if same or changed:
            bump_index_version()


@transaction.atomic
def remove_object(obj) -> None:
    entry = _builders().get(type(obj))
    if entry is None:
        return
    deleted, _ = SearchDocument.objects.filter(kind=entry[0], object_id=obj.pk).delete()
    if deleted:
        bump_index_version()


@transaction.atomic
def withhold_linked_text(instrument_ids: Iterable[int]) -> None:
    """Drop the linked passages (words of experiences, answers and journal entries) of these
    instruments' documents at once, without embedding anything: cheap enough for the request
    that hides or narrows content, and the re-index it queues puts back what still counts."""
    deleted, _ = SearchChunk.objects.filter(
        document__kind=DocumentKind.INSTRUMENT,
        document__object_id__in=set(instrument_ids),
        is_linked=True,
    ).delete()
    if deleted:
        bump_index_version()


def index_instruments(instrument_ids: Iterable[int]) -> None:
    """Re-index these instruments in one write (one version bump for all of them)."""
    from instruments.models import Instrument

    index_objects(list(Instrument.objects.filter(pk__in=set(instrument_ids))))


@dataclass
class RebuildReport:
    documents: int
    chunks: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.documents / self.seconds if self.seconds else 0.0


def rebuild_index(
    *,
    embedder: Embedder | None = None,
    progress: Callable[[int, int], None] | None = None,
    batch_chunks: int = 32,
) -> RebuildReport:
    """Recreate the whole index; ``progress(done, total)`` is called after each batch."""
    embedder = embedder or get_embedder()
    started = time.perf_counter()
    objects = [obj for queryset in _querysets() for obj in queryset]
    total = len(objects)
    chunks = 0
    with transaction.atomic():
        SearchDocument.objects.all().delete()
        batch: list[DocumentDraft] = []
        pending = 0
        done = 0
        if progress:
            progress(0, total)
        for obj in objects:
            draft = build_draft(obj)
            batch.append(draft)
            pending += len(draft.chunks())
            if pending >= batch_chunks:
                _store(batch, embedder)
                done += len(batch)
                chunks += pending
                batch, pending = [], 0
                if progress:
                    progress(done, total)
        if batch:
            _store(batch, embedder)
            done += len(batch)
            chunks += pending
            if progress:
                progress(done, total)
        elif progress and not total:
            progress(0, 0)
        bump_index_version()
    return RebuildReport(documents=total, chunks=chunks, seconds=time.perf_counter() - started)
