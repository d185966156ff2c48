"""Reads for the API: personal tokens, and the API's views of the other apps' data.

The API adds no visibility rule of its own. Every collection starts from the owning
app's selector or ``visible_to(user)`` (``communities.visibility`` underneath), so the
API shows exactly what the site shows the same person.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import F, Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from api.models import ApiToken
from comments.targets import FIELD_KINDS, visible_targets
from communities.selectors import CommunityFilters, community_list, get_readable_community
from experiences.selectors import ExperienceFilters, experience_list
from instruments.models import Instrument, Sector
from instruments.selectors import InstrumentFilters, instrument_list
from journal.models import JournalEntry
from journal.selectors import TimelineFilters, journal_timeline, with_entry_relations
from lib.secret_tokens import hash_token
from questions.selectors import QuestionFilters, own_question_detail, question_list

MESSAGE_UNKNOWN_SECTOR = gettext_noop("There is no sector with this code.")

# Personal tokens -----------------------------------------------------------------------


def tokens_for_user(user) -> QuerySet[ApiToken]:
    """``user``'s tokens: active ones first (newest first), then the latest revoked."""
    return ApiToken.objects.filter(user=user).order_by(
        F("revoked_at").desc(nulls_first=True), "-created_at", "-id"
    )


def get_token_for_user(*, user, token_id: int) -> ApiToken:
    """One of ``user``'s own tokens, or 404 (another person's token looks missing)."""
    token = ApiToken.objects.filter(user=user, pk=token_id).first()
    if token is None:
        raise Http404
    return token


def get_active_token(plain: str) -> ApiToken | None:
    """The active token whose hash matches ``plain``, with its user (one query)."""
    if not plain or len(plain) > 200:
        return None
    return (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(plain), revoked_at__isnull=True, user__is_active=True)
        .first()
    )


# Collections ---------------------------------------------------------------------------


def api_instruments(*, user, phase: str = "", sector: str = "", kind: str = "") -> QuerySet:
    """Instruments ``user`` may see, filtered like the library page, with phases and sectors."""
    filters = InstrumentFilters(
        phases=(phase,) if phase else (),
        kinds=(kind,) if kind else (),
        sectors=(sector,) if sector else (),
    )
    return instrument_list(user=user, filters=filters)


def api_experiences(*, user, instrument: str = "") -> QuerySet:
    return experience_list(user=user, filters=ExperienceFilters(instrument=instrument))


def api_communities(*, user) -> QuerySet:
    """Communities listed to ``user``: confidential ones only to their members."""
    return community_list(user=user, filters=CommunityFilters())


def get_community_detail(*, user, slug: str):
    """A community listed to ``user`` with its viewer fields and member count, or 404."""
    community = api_communities(user=user).filter(slug=slug).first()
    if community is None:
        raise Http404
    return community


def api_journal(*, user, slug: str) -> QuerySet[JournalEntry]:
    """A community's journal, or 404 when ``user`` may not read that community."""
    community = get_readable_community(user=user, slug=slug)
    entries = journal_timeline(user=user, community=community, filters=TimelineFilters())
    return entries.select_related("community")


def get_journal_entry_for_user(*, user, entry_id: int) -> JournalEntry:
    """An entry in a community ``user`` may read, or 404 (hidden looks missing)."""
    queryset = JournalEntry.objects.visible_to(user).select_related("community")
    entry = with_entry_relations(queryset, user=user).filter(pk=entry_id).first()
    if entry is None:
        raise Http404
    return entry


def api_questions(*, user) -> QuerySet:
    return question_list(user=user, filters=QuestionFilters())


def get_question_detail(*, user, question_id: int):
    """A question with ``answer_count`` and ``has_instrument`` as ``user`` sees them, or 404.
    Its author also gets it while it is held for review (marked by ``moderation_state``)."""
    question = own_question_detail(user=user, question_id=question_id)
    if question is None:
        raise Http404
    return question


def get_comment_target(*, user, target_type: str, target_id: str) -> Model:
    """The thing a comment is about, if ``user`` may see it; otherwise 404.

    ``target_type`` is a Comment target field (``instrument``, ``experience``,
    ``journal_entry``, ``question``) and ``target_id`` the item's key as the API shows
    it: the slug of an instrument, the number of anything else.
    """
    targets = visible_targets(user, FIELD_KINDS[target_type])
    if target_type == "instrument":
        target = targets.filter(slug=target_id).first()
    elif target_id.isdigit():
        target = targets.filter(pk=int(target_id)).first()
    else:
        target = None
    if target is None:
        raise Http404
    return target


def get_visible_instrument(*, user, slug: str) -> Instrument:
    """An instrument ``user`` may see, by slug, or 404 (a draft looks missing)."""
    instrument = Instrument.objects.visible_to(user).filter(slug=slug).first()
    if instrument is None:
        raise Http404
    return instrument


def get_sector(code: str | None) -> Sector | None:
    """The sector with ``code`` (None for none); an unknown code is a field error."""
    if not code:
        return None
    sector = Sector.objects.filter(slug=code).first()
    if sector is None:
        raise ValidationError({"sector": _(MESSAGE_UNKNOWN_SECTOR)}, code="unknown")
    return sector
