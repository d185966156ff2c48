"""Index upkeep: saving content queues its (re)indexing; taking content out is immediate.

Embedding is the slow part of indexing, so a save does not wait for it: it queues
``search.tasks`` work through ``jobs.queue.enqueue`` (run at once with ``TASKS_INLINE``).
Experiences, answers and journal entries also refresh the instruments they link, whose
searchable text includes their public words; an answer also refreshes its question, whose
document quotes its answers; a question refreshes the instruments its answers link, as their
linked text carries its title.

Privacy comes first, so whatever search must stop showing goes *inline*, in the request
(cheap deletes, no embedding), and only the re-index that puts back what still counts is
queued:

- Deleting an item, or saving it in a state moderation keeps from everyone (pending or
  hidden), removes its own document at once. The words it lent to other documents go too:
  the linked passages of the instruments it links (``services.withhold_linked_text``) and,
  for an answer, its question's document.
- A community whose visibility narrows (public -> members or confidential). At query time
  ``search.selectors.visible_mask`` filters each community document by
  ``readable_communities``, so the community's own experiences and journal entries vanish
  for outsiders at once without re-indexing. But an instrument is public, and its
  document's linked passages mix the words of *all* public communities' content: nothing
  at query time can tell which came from this community. So the linked passages of the
  instruments its content links are withheld inline, and their refresh is queued.

Until the queued refresh runs, those instruments rank by their own text only: a short
loss of recall, never a leak. A refresh queued before the change loads the rows when it
runs, so it never brings withheld words back for longer than the refresh queued after it.
"""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_init, post_save, pre_delete

from jobs.queue import enqueue
from moderation.constants import ModerationState
from search import services


def _skip(kwargs) -> bool:
    return services.indexing_is_paused() or kwargs.get("raw", False)


def _queue_item(model, pk: int, instrument_ids: set[int] = frozenset()) -> None:
    args = (sorted(instrument_ids),) if instrument_ids else ()
    enqueue("search.tasks.index_item", model._meta.label_lower, pk, *args, group="search")


def _queue_instruments(ids: set[int]) -> None:
    enqueue("search.tasks.refresh_instruments", sorted(ids), group="search")


def _is_visible(instance) -> bool:
    return getattr(instance, "moderation_state", ModerationState.VISIBLE) == ModerationState.VISIBLE


def _index(sender, instance, created=False, **kwargs) -> None:
    if _skip(kwargs):
        return
    from communities.models import Community

    if not _is_visible(instance):
        services.remove_object(instance)
        if not created:  # a new held item never lent its words to anything
            _refresh_linked(instance, withhold=True)
        return
    if isinstance(instance, Community):
        _queue_item(Community, instance.pk)
        _community_saved(instance, created)
    else:
        # The item and the instruments quoting it in one task: one index write per save.
        _queue_item(type(instance), instance.pk, _linked_instrument_ids(instance))
        _refresh_linked(instance, withhold=False, instruments=False)


def _community_saved(community, created: bool) -> None:
    """Only the visibility of a community decides whether its content's words count in
    instrument documents, so linked instruments are refreshed only when it changed (or is
    not known: a community loaded without its visibility), and withheld at once when it
    narrowed. A new community has no content yet."""
    from communities.models import Visibility

    stored = community.__dict__.get("_search_stored_visibility")
    community._search_stored_visibility = community.visibility
    if created or stored == community.visibility:
        return
    narrowed = community.visibility != Visibility.PUBLIC and stored in (None, Visibility.PUBLIC)
    _refresh_linked(community, withhold=narrowed)


def _remove(sender, instance, **kwargs) -> None:
    if _skip(kwargs):
        return
    services.remove_object(instance)
    _refresh_linked(instance, withhold=True)


def _linked_instrument_ids(instance) -> set[int]:
    if hasattr(instance, "_search_linked_ids"):
        return instance._search_linked_ids
    from communities.models import Community
    from experiences.models import Experience
    from journal.models import JournalEntry
    from knowledge.models import Concept
    from questions.models import Answer, Question

    if isinstance(instance, Experience):
        return {instance.instrument_id}
    if isinstance(instance, JournalEntry | Answer | Concept):
        if instance.pk is None:
            return set()
        return set(instance.instruments.values_list("pk", flat=True))
    if isinstance(instance, Question) and instance.pk:
        return set(
            Answer.objects.filter(question=instance).values_list("instruments", flat=True)
        ) - {None}
    if isinstance(instance, Community) and instance.pk:
        return set(
            Experience.objects.filter(community=instance).values_list("instrument_id", flat=True)
        ) | set(
            JournalEntry.objects.filter(community=instance).values_list("instruments", flat=True)
        ) - {None}
    return set()


def _refresh_linked(instance, *, withhold: bool, instruments: bool = True) -> None:
    """Queue the refresh of the documents that quote ``instance``; with ``withhold``, first
    take its words out of them inline (see the module docstring). ``instruments=False``:
    the caller queued the linked instruments with the item itself."""
    from questions.models import Answer, Question

    ids = _linked_instrument_ids(instance) if instruments else set()
    if ids:
        if withhold:
            services.withhold_linked_text(ids)
        _queue_instruments(ids)
    if isinstance(instance, Answer):
        if withhold:
            # ``remove_object`` needs only the type and the id: no need to load the question.
            services.remove_object(Question(pk=instance.question_id))
        _queue_item(Question, instance.question_id)


def _links_changed(sender, instance, action, pk_set, model, **kwargs) -> None:
    """An answer's or journal entry's instruments, or an instrument's concepts changed.

    The words involved are public either way (a link never makes text more private), so
    the refresh is queued."""
    if services.indexing_is_paused():
        return
    if action not in ("pre_clear", "post_add", "post_remove", "post_clear"):
        return
    from instruments.models import Instrument

    if isinstance(instance, Instrument):
        if action != "pre_clear":
            _queue_item(Instrument, instance.pk)
        return
    # ``instance`` is a journal entry, answer or concept; ``model`` is Instrument.
    if action == "pre_clear":
        instance._search_cleared_ids = set(instance.instruments.values_list("pk", flat=True))
        return
    ids = set(pk_set or ()) | getattr(instance, "_search_cleared_ids", set())
    if ids:
        _queue_instruments(ids)


def _remember_links(sender, instance, **kwargs) -> None:
    """Before a delete removes the link rows, note which instruments to refresh after it."""
    if not services.indexing_is_paused():
        instance._search_linked_ids = _linked_instrument_ids(instance)


def _remember_visibility(sender, instance, **kwargs) -> None:
    """Note a loaded community's visibility, so its save can tell a narrowing without a
    query. Left unset when the field was deferred (reading it would query): the save then
    treats the visibility as unknown, and so as possibly narrowed."""
    if instance.pk is not None and "visibility" in instance.__dict__:
        instance._search_stored_visibility = instance.visibility


def connect() -> None:
    from communities.models import Community
    from experiences.models import Experience
    from instruments.models import Instrument
    from journal.models import JournalEntry
    from knowledge.models import Concept
    from questions.models import Answer, Question

    for model in (Instrument, Concept, Community, Experience, JournalEntry, Question, Answer):
        name = model.__name__.lower()
        post_save.connect(_index, sender=model, dispatch_uid=f"search_index_{name}")
        post_delete.connect(_remove, sender=model, dispatch_uid=f"search_remove_{name}")
    for model in (Concept, JournalEntry, Answer, Question):
        name = model.__name__.lower()
        pre_delete.connect(_remember_links, sender=model, dispatch_uid=f"search_links_{name}")
    post_init.connect(
        _remember_visibility, sender=Community, dispatch_uid="search_community_visibility"
    )
    m2m_changed.connect(
        _links_changed, sender=JournalEntry.instruments.through, dispatch_uid="search_m2m_journal"
    )
    m2m_changed.connect(
        _links_changed, sender=Answer.instruments.through, dispatch_uid="search_m2m_answer"
    )
    m2m_changed.connect(
        _links_changed, sender=Instrument.concepts.through, dispatch_uid="search_m2m_concepts"
    )
