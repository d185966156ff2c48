"""Index upkeep: saving or deleting content updates its search document.

Experiences, answers and journal entries also refresh the instruments they link, whose
searchable text includes their public words; a community's save refreshes the
instruments its content links, since its visibility decides whether those words count.
"""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from search import services


def _skip(kwargs) -> bool:
    return services.indexing_is_paused() or kwargs.get("raw", False)


def _index(sender, instance, **kwargs) -> None:
    if _skip(kwargs):
        return
    services.index_object(instance)
    _refresh_linked(instance)


def _remove(sender, instance, **kwargs) -> None:
    if _skip(kwargs):
        return
    services.remove_object(instance)
    _refresh_linked(instance, deleted=True)


def _linked_instrument_ids(instance) -> set[int]:
    if hasattr(instance, "_search_linked_ids"):
        return instance._search_linked_ids
    from communities.models import Community
    from experiences.models import Experience
    from journal.models import JournalEntry
    from knowledge.models import Concept
    from questions.models import Answer

    if isinstance(instance, Experience):
        return {instance.instrument_id}
    if isinstance(instance, JournalEntry | Answer):
        if instance.pk is None:
            return set()
        return set(instance.instruments.values_list("pk", flat=True))
    if isinstance(instance, Concept):
        return set(instance.instruments.values_list("pk", flat=True)) if instance.pk else set()
    if isinstance(instance, Community) and instance.pk:
        return set(
            Experience.objects.filter(community=instance).values_list("instrument_id", flat=True)
        ) | set(
            JournalEntry.objects.filter(community=instance).values_list("instruments", flat=True)
        ) - {None}
    return set()


def _refresh_linked(instance, *, deleted: bool = False) -> None:
    from questions.models import Answer

    ids = _linked_instrument_ids(instance)
    if ids:
        services.index_instruments(ids)
    if isinstance(instance, Answer):
        from questions.models import Question

        question = Question.objects.filter(pk=instance.question_id).first()
        if question is not None:
            services.index_object(question)


def _links_changed(sender, instance, action, pk_set, model, **kwargs) -> None:
    """An answer's or journal entry's instruments, or an instrument's concepts changed."""
    if services.indexing_is_paused():
        return
    if action not in ("pre_clear", "post_add", "post_remove", "post_clear"):
        return
    from instruments.models import Instrument

    if isinstance(instance, Instrument):
        if action != "pre_clear":
            services.index_object(instance)
        return
    # ``instance`` is a journal entry, answer or concept; ``model`` is Instrument.
    if action == "pre_clear":
        instance._search_cleared_ids = set(instance.instruments.values_list("pk", flat=True))
        return
    ids = set(pk_set or ()) | getattr(instance, "_search_cleared_ids", set())
    services.index_instruments(ids)


def _remember_links(sender, instance, **kwargs) -> None:
    """Before a delete removes the link rows, note which instruments to refresh after it."""
    if not services.indexing_is_paused():
        instance._search_linked_ids = _linked_instrument_ids(instance)


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
    for model in (Concept, JournalEntry, Answer):
        name = model.__name__.lower()
        pre_delete.connect(_remember_links, sender=model, dispatch_uid=f"search_links_{name}")
    m2m_changed.connect(
        _links_changed, sender=JournalEntry.instruments.through, dispatch_uid="search_m2m_journal"
    )
    m2m_changed.connect(
        _links_changed, sender=Answer.instruments.through, dispatch_uid="search_m2m_answer"
    )
    m2m_changed.connect(
        _links_changed, sender=Instrument.concepts.through, dispatch_uid="search_m2m_concepts"
    )
