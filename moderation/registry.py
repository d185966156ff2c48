"""The kinds of content that can be reported, held and moderated, and how to read each.

One entry per kind: its model, who wrote it, which community it belongs to (that decides who
may moderate it), which text fields a moderator may edit, and what happens when a held
contribution is released (the notifications it would have sent when it was posted).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    key: str
    model_label: str
    label: str
    author_field: str
    title: Callable[[Model], str]
    editable_fields: tuple[str, ...]
    community: Callable[[Model], object | None] = lambda obj: getattr(obj, "community", None)
    url: Callable[[Model], str] = lambda obj: obj.get_absolute_url()
    on_release: Callable[[Model], None] | None = field(default=None)
    readable: Callable[[object], object] | None = field(default=None)

    @property
    def model(self) -> type[Model]:
        return apps.get_model(self.model_label)

    def manager(self):
        """All rows, whatever their moderation state (moderation reads through this)."""
        model = self.model
        return getattr(model, "all_objects", model._default_manager)

    def readable_by(self, user):
        """What ``user`` may read of this kind (visible rows, by the visibility rule): the
        items ``user`` may report and see in context."""
        if self.readable is not None:
            return self.readable(user)
        manager = self.model.objects
        return manager.visible_to(user) if hasattr(manager, "visible_to") else manager.all()

    def author_of(self, obj: Model):
        return obj if self.key == "profile" else getattr(obj, self.author_field)

    def author_id_of(self, obj: Model) -> int | None:
        return obj.pk if self.key == "profile" else getattr(obj, f"{self.author_field}_id")


def _comment_community(comment) -> object | None:
    target = comment.target
    return getattr(target, "community", None)


def _comment_url(comment) -> str:
    return f"{comment.target.get_absolute_url()}#comment-{comment.pk}"


def _answer_url(answer) -> str:
    return f"{answer.question.get_absolute_url()}#answer-{answer.pk}"


def _release_experience(experience) -> None:
    from notifications.services import notify_new_experience

    notify_new_experience(experience)


def _release_journal_entry(entry) -> None:
    from notifications.services import notify_new_journal_entry

    notify_new_journal_entry(entry)


def _release_question(question) -> None:
    """The asker follows their question once others can see it (a held one cannot be
    followed), so its answers reach their digest."""
    from notifications.services import follow_create

    if question.author is not None:
        follow_create(user=question.author, target=question)


def _release_answer(answer) -> None:
    from notifications.services import notify_new_answer

    notify_new_answer(answer)


def _readable_profiles(user):
    from accounts.people_selectors import known_people

    return known_people(user)


def _shorten(text: str, length: int = 80) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1].rsplit(" ", 1)[0] + " …"


KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in (
        Kind(
            "instrument",
            "instruments.Instrument",
            _("instrument"),
            "owner",
            title=lambda obj: obj.title,
            editable_fields=("title", "summary", "body"),
            community=lambda obj: None,
        ),
        Kind(
            "experience",
            "experiences.Experience",
            _("experience"),
            "author",
            title=lambda obj: _shorten(obj.what_was_done),
            editable_fields=("what_was_done", "what_worked", "what_did_not", "adaptation"),
            on_release=_release_experience,
        ),
        Kind(
            "comment",
            "comments.Comment",
            _("comment"),
            "author",
            title=lambda obj: _shorten(obj.body),
            editable_fields=("body",),
            community=_comment_community,
            url=_comment_url,
        ),
        Kind(
            "journal_entry",
            "journal.JournalEntry",
            _("journal entry"),
            "author",
            title=lambda obj: obj.title,
            editable_fields=("title", "text"),
            on_release=_release_journal_entry,
        ),
        Kind(
            "question",
            "questions.Question",
            _("question"),
            "author",
            title=lambda obj: obj.title,
            editable_fields=("title", "body"),
            community=lambda obj: None,
            on_release=_release_question,
        ),
        Kind(
            "answer",
            "questions.Answer",
            _("answer"),
            "author",
            title=lambda obj: _shorten(obj.body),
            editable_fields=("body",),
            community=lambda obj: None,
            url=_answer_url,
            on_release=_release_answer,
        ),
        Kind(
            "profile",
            "accounts.User",
            _("profile"),
            "",
            title=lambda obj: obj.display_name,
            editable_fields=("name",),
            community=lambda obj: None,
            url=lambda obj: reverse("people:person", kwargs={"user_id": obj.pk}),
            readable=_readable_profiles,
        ),
    )
}


def kind_of(obj: Model) -> Kind:
    label = obj._meta.label
    for kind in KINDS.values():
        if kind.model_label == label:
            return kind
    raise KeyError(label)


def get_kind(key: str) -> Kind:
    """The kind called ``key``; ``KeyError`` for anything else (views answer 404)."""
    return KINDS[key]
