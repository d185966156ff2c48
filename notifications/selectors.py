"""Reads of follows and notifications. Visibility is checked again on every read.

A notification was created for the people who could see its content at the time; by
the time it is read, the recipient may have left the community or the community may
have become members-only. So ``notifications_for`` filters through the same selectors
the pages use (``Experience.objects.visible_to``, ``JournalEntry.objects.visible_to``,
``Instrument.objects.visible_to``, ``communities.visibility``): what the recipient can no
longer see is neither shown nor counted.
"""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db.models import Q, QuerySet
from django.http import Http404

from communities.models import Community, MemberRole, Membership
from communities.visibility import readable_communities
from experiences.models import Experience
from instruments.models import Instrument
from journal.models import JournalEntry
from notifications.models import Follow, Notification, NotificationKind
from questions.models import Answer, Question

# What can be followed: the type named in the follow form -> (model, lookup field of its id).
FOLLOW_TARGETS = {
    "instrument": (Instrument, "slug"),
    "community": (Community, "slug"),
    "question": (Question, "pk"),
}


def target_type(obj) -> str:
    """``"instrument"``, ``"community"`` or ``"question"``: the Follow field for ``obj``."""
    for name, (model, _lookup) in FOLLOW_TARGETS.items():
        if isinstance(obj, model):
            return name
    raise TypeError(f"{type(obj).__name__} cannot be followed")


def target_id(obj) -> str:
    _model, lookup = FOLLOW_TARGETS[target_type(obj)]
    return str(getattr(obj, lookup))


def followable(user, name: str) -> QuerySet:
    """The instruments, communities or questions ``user`` may follow: those they may read.

    Following a community means receiving its new journal entries and experiences, so it
    takes reading rights (``readable_communities``), not merely knowing it exists: an
    outsider cannot follow a members-only community.
    """
    if name == "instrument":
        return Instrument.objects.visible_to(user)
    if name == "community":
        return readable_communities(user)
    if name == "question":
        return Question.objects.all()
    raise ValueError(name)


def get_follow_target_for_user(*, user, type_name: str, identifier: str):
    """The instrument, community or question named in a follow form, or 404.

    A target ``user`` may not see looks exactly like one that does not exist.
    """
    if type_name not in FOLLOW_TARGETS:
        raise Http404
    _model, lookup = FOLLOW_TARGETS[type_name]
    if lookup == "pk" and not identifier.isdigit():
        raise Http404
    target = followable(user, type_name).filter(**{lookup: identifier}).first()
    if target is None:
        raise Http404
    return target


def can_follow(user, target) -> bool:
    return followable(user, target_type(target)).filter(pk=target.pk).exists()


def is_following(user, target) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return Follow.objects.filter(user=user, **{target_type(target): target}).exists()


@dataclass
class FollowedItem:
    follow: Follow
    target: object
    type_name: str


def follows_for(user) -> list[FollowedItem]:
    """What ``user`` follows and may still see (one query for the follows, then one per
    kind of thing followed).

    A follow of something no longer visible stays stored but inert: it brings nothing
    in notifications or digests, and it is not listed here.
    """
    follows = list(Follow.objects.filter(user=user).order_by("-created_at", "-id"))
    visible: dict[str, dict[int, object]] = {}
    for name in FOLLOW_TARGETS:
        ids = [getattr(f, f"{name}_id") for f in follows if getattr(f, f"{name}_id")]
        visible[name] = (
            {obj.pk: obj for obj in followable(user, name).filter(pk__in=ids)} if ids else {}
        )
    items = []
    for follow in follows:
        for name in FOLLOW_TARGETS:
            obj = visible[name].get(getattr(follow, f"{name}_id"))
            if obj is not None:
                if name == "community":
                    # Fetched from readable_communities, as communities.selectors marks it:
                    # the follow button then needs no query to know it may be offered.
                    obj.viewer_can_read = True
                items.append(FollowedItem(follow=follow, target=obj, type_name=name))
    return items


def _facilitated_communities(user) -> QuerySet:
    return Membership.objects.filter(user=user, role=MemberRole.FACILITATOR).values("community_id")


def _answering_communities(user) -> QuerySet:
    """The communities where ``user`` may answer scans: as facilitator or member."""
    return Membership.objects.filter(
        user=user, role__in=(MemberRole.FACILITATOR, MemberRole.MEMBER)
    ).values("community_id")


def _own_addresses(user) -> Q:
    """The invitation was sent to one of ``user``'s e-mail addresses."""
    return Q(invitation__email__iexact=user.email) | Q(
        invitation__email__in=EmailAddress.objects.filter(user=user).values("email")
    )


def visible_notification_filter(user) -> Q:
    """The notifications whose content ``user`` may see now (one Q, subqueries only)."""
    visible_instruments = Instrument.objects.visible_to(user).values("pk")
    return (
        Q(
            kind=NotificationKind.NEW_EXPERIENCE,
            experience__in=Experience.objects.visible_to(user)
            .filter(instrument__in=visible_instruments)
            .values("pk"),
        )
        | Q(
            kind=NotificationKind.NEW_JOURNAL_ENTRY,
            journal_entry__in=JournalEntry.objects.visible_to(user).values("pk"),
        )
        # Questions and answers are public, unless moderation holds or hides them.
        | Q(
            kind=NotificationKind.NEW_ANSWER,
            answer__in=Answer.objects.filter(question__in=Question.objects.values("pk")).values(
                "pk"
            ),
        )
        # Only the invitee sees an invitation.
        | (Q(kind=NotificationKind.INVITATION, invitation__isnull=False) & _own_addresses(user))
        # Join requests only while the recipient facilitates the community.
        | Q(
            kind=NotificationKind.JOIN_REQUEST,
            join_request__community__in=_facilitated_communities(user),
        )
        # Decisions about the recipient's own contributions.
        | Q(kind=NotificationKind.MODERATION_DECISION, decision__author=user)
        # The recipient's own data export (gone with it when it expires).
        | Q(kind=NotificationKind.DATA_EXPORT_READY, data_export__user=user)
        # Scan rounds only while the recipient may answer in the community.
        | Q(
            kind=NotificationKind.SCAN_ROUND,
            scan_round__community__in=_answering_communities(user),
        )
    )


def notifications_for(user) -> QuerySet[Notification]:
    """``user``'s notifications that they may see now, newest first, ready to render.

    One query for a page of them, whatever their kinds.
    """
    if user is None or not user.is_authenticated:
        return Notification.objects.none()
    return (
        Notification.objects.filter(recipient=user)
        .filter(visible_notification_filter(user))
        .select_related(
            "actor",
            "experience__instrument",
            "experience__community",
            "journal_entry__community",
            "answer__question",
            "invitation__community",
            "join_request__community",
            "decision",
            "data_export",
            "scan_round__community",
        )
        .order_by("-created_at", "-id")
    )


def unread_count(user) -> int:
    """How many visible notifications ``user`` has not read: the header's badge on every
    signed-in page. One query when nothing is unread, two otherwise: building and compiling
    the visibility filter costs about 15 ms of Python, for a query that finds nothing on
    most page views."""
    if user is None or not user.is_authenticated:
        return 0
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if not unread.exists():
        return 0
    return unread.filter(visible_notification_filter(user)).count()


def get_notification_for_user(*, user, notification_id: int) -> Notification:
    notification = notifications_for(user).filter(pk=notification_id).first()
    if notification is None:
        raise Http404
    return notification


# The weekly digest -------------------------------------------------------------------


@dataclass
class Digest:
    """What is new for one person in what they follow, since ``since``."""

    user: object
    since: object
    experiences: list
    journal_entries: list
    answers: list

    @property
    def item_count(self) -> int:
        return len(self.experiences) + len(self.journal_entries) + len(self.answers)


def digest_for(user, *, since) -> Digest:
    """New experiences (on followed instruments or in followed communities), journal entries
    (in followed communities or using followed instruments) and answers (on followed
    questions) created since ``since`` that ``user`` may see, not counting their own.

    Everything goes through the visibility selectors: a follow of something ``user`` can
    no longer read brings nothing. Four queries.
    """
    follows = Follow.objects.filter(user=user)
    instruments = follows.filter(instrument__isnull=False).values("instrument_id")
    communities = follows.filter(community__isnull=False).values("community_id")
    questions = follows.filter(question__isnull=False).values("question_id")
    visible_instruments = Instrument.objects.visible_to(user).values("pk")
    experiences = (
        Experience.objects.visible_to(user)
        .filter(created_at__gte=since, instrument__in=visible_instruments)
        .filter(Q(instrument__in=instruments) | Q(community__in=communities))
        .exclude(author=user)
        .select_related("instrument", "community", "author")
        .order_by("-created_at", "-id")
    )
    entries = (
        JournalEntry.objects.visible_to(user)
        .filter(created_at__gte=since)
        .filter(
            Q(community__in=communities)
            | Q(
                pk__in=JournalEntry.instruments.through.objects.filter(
                    instrument__in=instruments
                ).values("journalentry_id")
            )
        )
        .exclude(author=user)
        .select_related("community", "author")
        .order_by("-created_at", "-id")
    )
    answers = (
        Answer.objects.filter(created_at__gte=since, question__in=questions)
        .exclude(author=user)
        .select_related("question", "author")
        .order_by("-created_at", "-id")
    )
    return Digest(
        user=user,
        since=since,
        experiences=list(experiences),
        journal_entries=list(entries),
        answers=list(answers),
    )


def digest_recipients() -> QuerySet:
    """Active people with an e-mail address who follow something."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(is_active=True, follows__isnull=False)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
