"""Publishing a lesson from a closed community, and withdrawing it.

Only a facilitator of the source's community may publish, only from a members-only or
confidential community (a public community's content is public already), and only
text from which the community's name and code, its members' names and its partners'
names are gone: ``lesson_publish`` checks that again at confirm time, whatever the
form sent. The original stays where it was; the lesson is a separate, anonymised copy.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from audit.services import record_event
from communities.models import MemberRole, Visibility
from communities.visibility import member_role
from experiences.models import Experience
from instruments.models import Instrument
from journal.models import JournalEntry
from lessons.anonymise import anonymise_fields, community_identity, context_line, leftover_names
from lessons.models import TEXT_FIELDS, PublicLesson, SourceKind
from lessons.selectors import Source, get_source_for_user, lesson_for_source, source_of

MESSAGE_ALREADY_PUBLIC = gettext_noop(
    "This community is public, so its content can already be read by everyone: there is "
    "nothing to publish anonymised."
)
MESSAGE_FACILITATORS_ONLY = gettext_noop(
    "Only a facilitator of this community can publish its content as a public lesson."
)
MESSAGE_ALREADY_PUBLISHED = gettext_noop("This has already been published as a public lesson.")
MESSAGE_NAMES_LEFT = gettext_noop(
    "Still names the community, a person or an organisation: %(names)s. Replace them "
    "before publishing."
)
MESSAGE_WITHDRAW_NOT_ALLOWED = gettext_noop(
    "Only a facilitator of the community it came from can withdraw this lesson."
)

FACT_FIELDS = ("sector", "level", "phase", "instruments")


def _source_kind_of(obj) -> str:
    if isinstance(obj, Experience):
        return SourceKind.EXPERIENCE
    if isinstance(obj, JournalEntry):
        return SourceKind.JOURNAL_ENTRY
    raise ValueError(f"Cannot publish a {type(obj).__name__} as a lesson.")


def check_lesson_publish_permission(user, source: Source) -> None:
    """Raise PermissionDenied unless ``user`` facilitates the closed community of ``source``."""
    community = source.community
    if community is None or community.visibility == Visibility.PUBLIC:
        raise PermissionDenied(_(MESSAGE_ALREADY_PUBLIC))
    if member_role(user, community) != MemberRole.FACILITATOR:
        raise PermissionDenied(_(MESSAGE_FACILITATORS_ONLY))


def lesson_suggestion(*, user, source: Source) -> dict[str, Any]:
    """The form's starting point: the source's texts anonymised, a generalised context
    line, and its sector, level, phase and published instruments."""
    check_lesson_publish_permission(user, source)
    identity = community_identity(source.community, people=[source.author])
    fields = anonymise_fields(identity, source.original_fields())
    fields["context"] = context_line(identity)
    return {**fields, **source.facts()}


def check_lesson_fields(*, source: Source, fields: dict[str, Any]) -> None:
    """Raise ValidationError, per field, for every identifying name still in the text."""
    identity = community_identity(source.community, people=[source.author])
    texts = {name: fields.get(name) or "" for name in TEXT_FIELDS}
    leftovers = leftover_names(identity, texts)
    if leftovers:
        raise ValidationError(
            {
                name: _(MESSAGE_NAMES_LEFT) % {"names": ", ".join(f"“{n}”" for n in found)}
                for name, found in leftovers.items()
            }
        )


@transaction.atomic
def lesson_publish(*, user, source: Experience | JournalEntry, fields: dict[str, Any]):
    """Publish ``fields`` (``TEXT_FIELDS`` plus sector, level, phase and instruments) as
    a public lesson from ``source``.

    ``source`` is read again through the visibility rule for ``user`` (404 when they may
    not read it); permission and names are checked again here, at confirm time.
    """
    unknown = set(fields) - set(TEXT_FIELDS) - set(FACT_FIELDS)
    if unknown:
        raise ValueError(f"Not lesson fields: {sorted(unknown)}")
    kind = _source_kind_of(source)
    readable = get_source_for_user(user=user, source_kind=kind, source_id=source.pk)
    check_lesson_publish_permission(user, readable)
    if lesson_for_source(source_kind=kind, source_id=source.pk) is not None:
        raise ValidationError(_(MESSAGE_ALREADY_PUBLISHED))
    check_lesson_fields(source=readable, fields=fields)

    instrument_ids = [instrument.pk for instrument in fields.get("instruments") or []]
    lesson = PublicLesson(
        **{name: (fields.get(name) or "").strip() for name in TEXT_FIELDS},
        sector=fields.get("sector"),
        level=fields.get("level") or "",
        phase=fields.get("phase") or "",
        source_kind=kind,
        source_id=source.pk,
        published_by=user,
    )
    lesson.full_clean(validate_constraints=False)
    lesson.save()
    lesson.instruments.set(Instrument.objects.published().filter(pk__in=instrument_ids))
    record_event(
        actor=user,
        action="lesson.published",
        target=lesson,
        target_label=lesson.title,
        summary=_("Published an anonymised lesson"),
        after={"title": lesson.title, "source_kind": kind},
    )
    return lesson


def check_lesson_withdraw_permission(user, lesson: PublicLesson) -> None:
    """A facilitator of the source's community may withdraw; when the source is gone,
    whoever published it."""
    source = source_of(lesson)
    if source is not None and source.community is not None:
        allowed = member_role(user, source.community) == MemberRole.FACILITATOR
    else:
        allowed = user.is_authenticated and lesson.published_by_id == user.pk
    if not allowed:
        raise PermissionDenied(_(MESSAGE_WITHDRAW_NOT_ALLOWED))


@transaction.atomic
def lesson_withdraw(*, user, lesson: PublicLesson) -> None:
    """Remove the public copy; the original was never touched."""
    check_lesson_withdraw_permission(user, lesson)
    record_event(
        actor=user,
        action="lesson.withdrawn",
        target=lesson,
        target_label=lesson.title,
        summary=_("Withdrew an anonymised lesson"),
        before={"title": lesson.title, "source_kind": lesson.source_kind},
    )
    lesson.delete()
