"""Reads for the person page: a profile others may see, and what that person contributed
as the viewer may read it.

Every list goes through its kind's visibility rule (``visible_to`` and the default
managers, which leave held and hidden content out), so a person page never shows a
members-only or confidential item to someone who may not read its community.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import User
from comments.models import Comment
from communities.models import Membership
from experiences.selectors import visible_experiences
from instruments.models import Instrument
from journal.models import JournalEntry
from moderation.constants import ModerationState
from moderation.registry import get_kind
from questions.models import Answer, Question

# How many of each kind of contribution the page lists (newest first).
CONTRIBUTION_LIMIT = 10


def known_people(user) -> QuerySet[User]:
    """The people ``user`` meets somewhere on the platform, whose page (and profile report)
    therefore exists for them: active, not hidden, and the author of something ``user`` may
    read, or a fellow member of a community. Everyone else is 404, so nobody can walk
    ``/personen/1, 2, 3 …`` to collect the names and organisations of people who only take
    part in closed communities. One query, with a subquery per kind of contribution."""
    authors = (
        Instrument.objects.visible_to(user).values("owner"),
        visible_experiences(user).values("author"),
        JournalEntry.objects.visible_to(user).values("author"),
        Question.objects.values("author"),
        Answer.objects.filter(question__in=Question.objects.values("pk")).values("author"),
        Comment.objects.visible_to(user).values("author"),
    )
    met = Q()
    for subquery in authors:
        met |= Q(pk__in=subquery)
    if user is not None and user.is_authenticated:
        shared = Membership.objects.filter(user=user).values("community_id")
        met |= Q(pk__in=Membership.objects.filter(community_id__in=shared).values("user"))
    return User.objects.filter(met, is_active=True, moderation_state=ModerationState.VISIBLE)


def get_person_for_user(*, user, person_id: int) -> User:
    """The person, or 404 when their profile is hidden or the account inactive; the
    person themselves still sees their own page."""
    readable = get_kind("profile").readable_by(user)
    own = Q(pk=user.pk) if user.is_authenticated else Q(pk__in=[])
    person = (
        User.objects.filter(Q(pk__in=readable.values("pk")) | own)
        .select_related("organisation")
        .filter(pk=person_id)
        .first()
    )
    if person is None:
        raise Http404
    return person


@dataclass
class Contributions:
    instruments: list
    experiences: list
    journal_entries: list
    questions: list

    @property
    def is_empty(self) -> bool:
        return not (self.instruments or self.experiences or self.journal_entries or self.questions)


def person_contributions(*, user, person: User, limit: int = CONTRIBUTION_LIMIT) -> Contributions:
    """What ``person`` contributed that ``user`` may read. Four queries, one per kind."""
    instruments = Instrument.objects.visible_to(user).filter(owner=person).order_by("title")
    experiences = (
        visible_experiences(user)
        .filter(author=person)
        .select_related("instrument")
        .order_by("-created_at", "-id")
    )
    entries = (
        JournalEntry.objects.visible_to(user)
        .filter(author=person)
        .select_related("community")
        .order_by("-date", "-created_at", "-pk")
    )
    questions = Question.objects.filter(author=person).order_by("-created_at", "-id")
    return Contributions(
        instruments=list(instruments[:limit]),
        experiences=list(experiences[:limit]),
        journal_entries=list(entries[:limit]),
        questions=list(questions[:limit]),
    )
