"""Reads of public lessons and of the closed content they are published from.

Public reads (``lesson_list``, ``get_public_lesson``, ``lessons_for_instrument``) load
only ``PUBLIC_FIELDS``: the private source and publisher never even reach a public
page's objects. The source of a new lesson is read through the visibility rule
(``communities.visibility``) and only when it is visible (not held or hidden).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404, QueryDict
from django.utils.translation import gettext as _

from communities.models import Community
from experiences.models import Experience
from experiences.selectors import visible_experiences
from instruments.constants import PHASE_ORDER, Status
from instruments.models import Instrument, Sector
from journal.models import JournalEntry
from lessons.models import PUBLIC_FIELDS, PublicLesson, SourceKind

SECTOR_FIELDS = ("sector__slug", "sector__name", "sector__name_en")


@dataclass(frozen=True)
class Source:
    """An experience or journal entry a lesson can be published from, with its community."""

    kind: str
    obj: Experience | JournalEntry
    community: Community | None

    @property
    def author(self):
        return self.obj.author

    def original_fields(self) -> dict[str, str]:
        """The texts the lesson starts from, before anonymising."""
        if self.kind == SourceKind.EXPERIENCE:
            experience = self.obj
            return {
                "title": _("Working with %(instrument)s") % {"instrument": experience.instrument},
                "what_was_done": experience.what_was_done,
                "what_worked": experience.what_worked,
                "what_did_not": experience.what_did_not,
                "lesson": experience.adaptation,
            }
        entry = self.obj
        stories = "\n".join(
            f"- {story.get_cycle_display()}: {story.text}" for story in entry.value_stories.all()
        )
        return {
            "title": entry.title,
            "what_was_done": entry.text,
            "what_worked": stories,
            "what_did_not": "",
            "lesson": "",
        }

    def facts(self) -> dict:
        """Sector, level, phase and the published instruments it used."""
        if self.kind == SourceKind.EXPERIENCE:
            experience = self.obj
            published = experience.instrument.status == Status.PUBLISHED
            return {
                "sector": experience.sector,
                "level": experience.level,
                "phase": experience.phase,
                "instruments": [experience.instrument] if published else [],
            }
        entry = self.obj
        sectors = self.community.sectors or []
        sector = Sector.objects.filter(slug=sectors[0]).first() if sectors else None
        return {
            "sector": sector,
            "level": self.community.level,
            "phase": entry.phase,
            "instruments": list(entry.instruments.filter(status=Status.PUBLISHED)),
        }


def get_source_for_user(*, user, source_kind: str, source_id: int) -> Source:
    """The source if ``user`` may read it (the visibility rule), else 404 as if missing."""
    if source_kind == SourceKind.EXPERIENCE:
        experience = (
            visible_experiences(user)
            .select_related("instrument", "author", "community", "sector")
            .filter(pk=source_id)
            .first()
        )
        if experience is None:
            raise Http404
        return Source(kind=source_kind, obj=experience, community=experience.community)
    if source_kind == SourceKind.JOURNAL_ENTRY:
        entry = (
            JournalEntry.objects.visible_to(user)
            .select_related("author", "community")
            .prefetch_related("value_stories")
            .filter(pk=source_id)
            .first()
        )
        if entry is None:
            raise Http404
        return Source(kind=source_kind, obj=entry, community=entry.community)
    raise Http404


def source_of(lesson: PublicLesson) -> Source | None:
    """A lesson's source, whatever its moderation state (for withdrawing); None if gone."""
    if lesson.source_kind == SourceKind.EXPERIENCE:
        obj = Experience.all_objects.select_related("community").filter(pk=lesson.source_id)
    else:
        obj = JournalEntry.all_objects.select_related("community").filter(pk=lesson.source_id)
    found = obj.first()
    if found is None:
        return None
    return Source(kind=lesson.source_kind, obj=found, community=found.community)


def lesson_for_source(*, source_kind: str, source_id: int) -> PublicLesson | None:
    """The lesson published from a source (for the source's own page; one query)."""
    return (
        PublicLesson.objects.filter(source_kind=source_kind, source_id=source_id)
        .only("id", "title")
        .first()
    )


@dataclass(frozen=True)
class LessonFilters:
    """The state of the list page; parameter names are the Dutch words in its URL."""

    phase: str = ""
    sector: str = ""

    @classmethod
    def from_querydict(cls, params: QueryDict) -> LessonFilters:
        """Unknown phases are dropped rather than failing the page."""
        phase = params.get("fase", "")
        return cls(
            phase=phase if phase in PHASE_ORDER else "", sector=params.get("sector", "")[:60]
        )

    @property
    def is_empty(self) -> bool:
        return not (self.phase or self.sector)


def _public() -> QuerySet[PublicLesson]:
    return PublicLesson.objects.select_related("sector").only(*PUBLIC_FIELDS, *SECTOR_FIELDS)


def lesson_list(*, filters: LessonFilters) -> QuerySet[PublicLesson]:
    """Public lessons, newest first, filtered (one query per page, plus the count)."""
    queryset = _public()
    if filters.phase:
        queryset = queryset.filter(phase=filters.phase)
    if filters.sector:
        queryset = queryset.filter(sector__slug=filters.sector)
    return queryset.order_by("-published_at", "-id")


def lesson_sectors() -> list[Sector]:
    """The sectors that have lessons, for the list's filter (one query)."""
    return list(Sector.objects.filter(public_lessons__isnull=False).distinct().order_by("name"))


def get_public_lesson(*, lesson_id: int) -> PublicLesson:
    """A lesson with its sector and the published instruments it used, or 404."""
    instruments = Prefetch(
        "instruments",
        queryset=Instrument.objects.published().order_by("title", "pk"),
        to_attr="published_instruments",
    )
    lesson = _public().prefetch_related(instruments).filter(pk=lesson_id).first()
    if lesson is None:
        raise Http404
    return lesson


def lessons_for_instrument(*, instrument: Instrument, limit: int = 5) -> list[PublicLesson]:
    """The newest public lessons that used ``instrument`` (one query)."""
    return list(
        PublicLesson.objects.filter(instruments=instrument)
        .only("id", "title", "context", "published_at")
        .order_by("-published_at", "-id")[:limit]
    )
