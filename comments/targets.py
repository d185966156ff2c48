"""What a comment can be about, and how to find a target that a person may see.

The kind names are the words in the URL (``/reacties/ervaring/12/``); each maps to the
comment's foreign key and to the visibility rule of that kind of content.
"""

from __future__ import annotations

from django.db.models import Model, QuerySet
from django.http import Http404

# URL kind -> Comment field.
KIND_FIELDS = {
    "instrument": "instrument",
    "ervaring": "experience",
    "journaal": "journal_entry",
    "vraag": "question",
}
FIELD_KINDS = {field: kind for kind, field in KIND_FIELDS.items()}


def visible_targets(user, kind: str) -> QuerySet:
    """The targets of ``kind`` that ``user`` may see (their apps' visibility rules)."""
    field = KIND_FIELDS.get(kind)
    if field == "instrument":
        from instruments.models import Instrument

        return Instrument.objects.visible_to(user)
    if field == "experience":
        from experiences.selectors import visible_experiences

        return visible_experiences(user).select_related("community")
    if field == "journal_entry":
        from journal.models import JournalEntry

        return JournalEntry.objects.visible_to(user).select_related("community")
    if field == "question":
        from questions.models import Question

        return Question.objects.all()  # questions are public (see questions.models)
    raise Http404


def get_target_for_user(*, user, kind: str, target_id: int) -> Model:
    """The target, or 404 if it does not exist or ``user`` may not see it."""
    target = visible_targets(user, kind).filter(pk=target_id).first()
    if target is None:
        raise Http404
    return target


def target_field(target: Model) -> str:
    """The Comment field that points at ``target``'s kind."""
    from comments.models import Comment

    for field in KIND_FIELDS.values():
        if isinstance(target, Comment._meta.get_field(field).related_model):
            return field
    raise TypeError(f"comments cannot be about {type(target).__name__}")


def target_kind(target: Model) -> str:
    return FIELD_KINDS[target_field(target)]


def target_community(target: Model):
    """The community ``target`` belongs to (experiences and journal entries), or None."""
    return getattr(target, "community", None) if hasattr(target, "community_id") else None


def is_visible_to(user, target: Model) -> bool:
    return visible_targets(user, target_kind(target)).filter(pk=target.pk).exists()
