"""Reads of questions and answers, and the open demand that providers look at.

Questions and answers are public. The instruments an answer links are not all public
(a provider's draft), so every read of them goes through ``Instrument.objects.visible_to``:
an answer shows, and counts as "answered with an instrument", only instruments the viewer
may see.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404, QueryDict
from django.utils.translation import gettext_lazy as _

from instruments.constants import PHASE_ORDER, Phase
from instruments.models import Instrument, Sector
from moderation.constants import ModerationState
from moderation.rules import readable_filter
from questions.models import Answer, Question

STATUS_UNANSWERED = "onbeantwoord"
STATUS_WITHOUT_INSTRUMENT = "zonder-instrument"
STATUS_CHOICES = [
    ("", _("All questions")),
    (STATUS_UNANSWERED, _("Unanswered")),
    (STATUS_WITHOUT_INSTRUMENT, _("No instrument yet")),
]
NO_VALUE = "geen"  # the filter value for "no phase" / "no sector"


@dataclass(frozen=True)
class QuestionFilters:
    """The state of the list page; parameter names are the Dutch words in its URL."""

    phase: str = ""
    sector: str = ""
    status: str = ""

    @classmethod
    def from_querydict(cls, params: QueryDict) -> QuestionFilters:
        """Unknown values are dropped rather than failing the page."""
        phase = params.get("fase", "")
        status = params.get("status", "")
        return cls(
            phase=phase if phase in PHASE_ORDER or phase == NO_VALUE else "",
            sector=params.get("sector", "")[:60],
            status=status if status in (STATUS_UNANSWERED, STATUS_WITHOUT_INSTRUMENT) else "",
        )

    @property
    def is_empty(self) -> bool:
        return not (self.phase or self.sector or self.status)


def _with_instrument_answer(queryset: QuerySet[Question], *, user) -> QuerySet[Question]:
    """Annotate ``has_instrument``: some answer links an instrument ``user`` may see."""
    visible = Instrument.objects.visible_to(user).values("pk")
    return queryset.annotate(
        has_instrument=Exists(
            Answer.instruments.through.objects.filter(
                answer__question=OuterRef("pk"),
                answer__moderation_state=ModerationState.VISIBLE,
                instrument__in=visible,
            )
        )
    )


def _with_list_relations(queryset: QuerySet[Question], *, user) -> QuerySet[Question]:
    queryset = queryset.select_related("author", "sector").annotate(
        # A join bypasses Answer.objects: count only the answers everyone may see.
        answer_count=Count(
            "answers",
            filter=Q(answers__moderation_state=ModerationState.VISIBLE),
            distinct=True,
        )
    )
    return _with_instrument_answer(queryset, user=user)


def question_list(*, user, filters: QuestionFilters) -> QuerySet[Question]:
    """Newest first, with ``answer_count`` and ``has_instrument`` for each question."""
    queryset = _with_list_relations(Question.objects.all(), user=user)
    return _filtered(queryset, filters)


def own_question_detail(*, user, question_id: int) -> Question | None:
    """A question with its list annotations as ``user`` sees it, their own held or hidden
    question included (the API answers its author with the question they just asked)."""
    queryset = _with_list_relations(Question.all_objects.filter(readable_filter(user)), user=user)
    return queryset.filter(pk=question_id).first()


def _filtered(queryset: QuerySet[Question], filters: QuestionFilters) -> QuerySet[Question]:
    if filters.phase == NO_VALUE:
        queryset = queryset.filter(phase="")
    elif filters.phase:
        queryset = queryset.filter(phase=filters.phase)
    if filters.sector == NO_VALUE:
        queryset = queryset.filter(sector__isnull=True)
    elif filters.sector:
        queryset = queryset.filter(sector__slug=filters.sector)
    if filters.status == STATUS_UNANSWERED:
        queryset = queryset.filter(answer_count=0)
    elif filters.status == STATUS_WITHOUT_INSTRUMENT:
        queryset = queryset.filter(has_instrument=False)
    return queryset.order_by("-created_at", "-id")


def sector_choices() -> QuerySet[Sector]:
    """The sectors a question can be filtered by (the library's sectors)."""
    return Sector.objects.order_by("name")


def get_question(*, question_id: int, user=None) -> Question:
    """The question, or 404. Its author (``user``) also gets it while it is held for
    review or hidden (the page marks it); nobody else does."""
    question = (
        Question.all_objects.filter(readable_filter(user))
        .select_related("author", "sector")
        .filter(pk=question_id)
        .first()
    )
    if question is None:
        raise Http404
    return question


def get_answer(*, question: Question, answer_id: int, user=None) -> Answer:
    """An answer of ``question``, or 404; its author (``user``) also gets a held one."""
    answer = (
        Answer.all_objects.filter(readable_filter(user), question=question)
        .select_related("author")
        .filter(pk=answer_id)
        .first()
    )
    if answer is None:
        raise Http404
    answer.question = question
    return answer


def question_answers(*, question: Question, user) -> list[Answer]:
    """The answers, helpful ones first, each with only the instruments ``user`` may see
    (``answer.visible_instruments``) and whether ``user`` wrote it (``viewer_is_author``).
    ``user``'s own answers held for review are included (the page marks them).
    Two queries however many answers there are."""
    visible = Instrument.objects.visible_to(user).order_by("title")
    answers = list(
        Answer.all_objects.filter(readable_filter(user), question=question)
        .select_related("author")
        .prefetch_related(Prefetch("instruments", queryset=visible, to_attr="visible_instruments"))
        .order_by("-is_helpful", "created_at", "id")
    )
    signed_in = user is not None and user.is_authenticated
    for answer in answers:
        answer.question = question  # the page's question; saves a query per answer
        answer.viewer_is_author = signed_in and answer.author_id == user.pk
    return answers


# Open demand ------------------------------------------------------------------------


@dataclass
class DemandGroup:
    """Open questions sharing a phase or a sector."""

    value: str
    label: str
    questions: list[Question] = field(default_factory=list)

    @property
    def unanswered(self) -> int:
        return sum(1 for q in self.questions if q.answer_count == 0)

    @property
    def answered_without_instrument(self) -> int:
        return sum(1 for q in self.questions if q.answer_count > 0)

    @property
    def total(self) -> int:
        return len(self.questions)


@dataclass
class Demand:
    questions: list[Question]
    by_phase: list[DemandGroup]
    by_sector: list[DemandGroup]

    @property
    def unanswered(self) -> int:
        return sum(1 for q in self.questions if q.answer_count == 0)

    @property
    def answered_without_instrument(self) -> int:
        return sum(1 for q in self.questions if q.answer_count > 0)

    @property
    def total(self) -> int:
        return len(self.questions)


def open_demand(*, user) -> Demand:
    """What is asked for that no instrument answers yet, grouped by phase and by sector.

    A question is open while no answer links an instrument ``user`` may see: that covers
    unanswered questions and questions answered only in words. Every phase gets a row
    (an empty phase is information too); sectors only when they have open questions.
    Questions without a phase or sector are grouped under "not specified". One query.
    """
    questions = list(
        _with_list_relations(Question.objects.all(), user=user)
        .filter(has_instrument=False)
        .order_by("-created_at", "-id")
    )
    by_phase = [DemandGroup(phase.value, phase.label) for phase in Phase]
    no_phase = DemandGroup(NO_VALUE, _("No phase given"))
    phase_groups = {group.value: group for group in by_phase}
    sector_groups: dict[str, DemandGroup] = {}
    no_sector = DemandGroup(NO_VALUE, _("No sector given"))
    for question in questions:
        phase_groups.get(question.phase, no_phase).questions.append(question)
        if question.sector is None:
            no_sector.questions.append(question)
        else:
            slug = question.sector.slug
            if slug not in sector_groups:
                sector_groups[slug] = DemandGroup(slug, question.sector.display_name)
            sector_groups[slug].questions.append(question)
    by_sector = sorted(sector_groups.values(), key=lambda g: (-g.total, str(g.label).casefold()))
    if no_phase.questions:
        by_phase.append(no_phase)
    if no_sector.questions:
        by_sector.append(no_sector)
    return Demand(questions=questions, by_phase=by_phase, by_sector=by_sector)
