"""Reads of the feeds app. Every feed reads as a *feed reader*: anonymous, or the owner of
a personal feed token given in the URL; never the browser session, so a feed's content
depends only on its URL (and caches and readers may share it when it has no token).

Who may read what is decided by the apps' own selectors, which use
``communities.visibility``: instruments through ``Instrument.objects.visible_to``,
experiences through ``experiences.selectors.experience_list``, a community through
``communities.selectors.get_readable_community``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from communities.models import Community, Membership
from communities.selectors import get_readable_community
from experiences.models import Experience
from experiences.selectors import ExperienceFilters, experience_list
from feeds.models import FeedToken, SavedSearch
from instruments.models import Instrument
from journal.models import EntryKind, JournalEntry
from journal.selectors import latest_entries
from lib.secret_tokens import hash_token

FEED_SIZE = 50
# The calendar carries every meeting, up to the newest this many.
AGENDA_MAX_EVENTS = 500
# Longer strings cannot be a token; they are refused before hashing.
MAX_TOKEN_CHARS = 100


def feed_reader(token: str | None):
    """Who reads a feed: the owner of ``token``, or an anonymous visitor without one.

    A token that is given but unknown (mistyped, rotated or revoked) raises ``Http404``,
    the same answer as a missing community, so a URL reveals nothing about what it names.
    """
    if token is None:
        return AnonymousUser()
    if not token or len(token) > MAX_TOKEN_CHARS:
        raise Http404
    found = FeedToken.objects.filter(token_hash=hash_token(token)).select_related("user").first()
    if found is None or not found.user.is_active:
        raise Http404
    return found.user


def new_instruments(*, limit: int = FEED_SIZE) -> list[Instrument]:
    """The newest published instruments (what anyone may see), with their organisation,
    provider and phases: three queries however many there are."""
    queryset = (
        Instrument.objects.visible_to(AnonymousUser())
        .select_related("organisation", "owner")
        .prefetch_related("phase_links")
        .order_by("-created_at", "-pk")
    )
    return list(queryset[:limit])


def get_feed_instrument(*, slug: str) -> Instrument:
    """The instrument as an anonymous reader sees it, or 404 (a draft looks missing).

    One query: the feed needs its title and slug, not the relations its page shows.
    """
    instrument = Instrument.objects.visible_to(AnonymousUser()).filter(slug=slug).first()
    if instrument is None:
        raise Http404
    return instrument


def instrument_experiences(*, instrument: Instrument, limit: int = FEED_SIZE) -> list[Experience]:
    """The newest experiences with ``instrument`` that an anonymous reader may read:
    outside communities or in public ones, never members-only or confidential."""
    filters = ExperienceFilters(instrument=instrument.slug)
    return list(experience_list(user=AnonymousUser(), filters=filters)[:limit])


def get_feed_community(*, reader, slug: str) -> Community:
    """The community whose journal ``reader`` may read, or 404 for anything else."""
    return get_readable_community(user=reader, slug=slug)


def community_journal(*, community: Community, limit: int = FEED_SIZE) -> list[JournalEntry]:
    """The newest entries of a community the caller checked ``reader`` may read."""
    entries = latest_entries(community=community, limit=limit)
    for entry in entries:
        entry.community = community  # its URL needs the slug; spares a query per entry
    return entries


def community_meetings(*, community: Community) -> list[JournalEntry]:
    """A community's meetings (journal entries of kind *meeting*) for its calendar, past
    and planned (a calendar keeps its history), the newest ``AGENDA_MAX_EVENTS`` in date
    order. The caller checked the reader may read ``community``."""
    newest_first = JournalEntry.objects.filter(community=community, kind=EntryKind.MEETING)
    newest_first = newest_first.order_by("-date", "-created_at", "-pk")[:AGENDA_MAX_EVENTS]
    meetings = list(reversed(newest_first))
    for meeting in meetings:
        meeting.community = community
    return meetings


@dataclass
class ProfileFeeds:
    """What the profile's feed section shows for one person."""

    token: FeedToken | None
    communities: list[Community] = field(default_factory=list)
    saved_searches: list[SavedSearch] = field(default_factory=list)


def profile_feeds(*, user) -> ProfileFeeds:
    """``user``'s feed token (hash and prefix only), the communities they belong to and
    their saved searches: three queries."""
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("community")
        .order_by("community__name", "community__pk")
    )
    return ProfileFeeds(
        token=FeedToken.objects.filter(user=user).first(),
        communities=[membership.community for membership in memberships],
        saved_searches=list(SavedSearch.objects.filter(user=user)),
    )


def get_saved_search_for_user(*, user, pk: int) -> SavedSearch:
    """One of ``user``'s saved searches, or 404 (someone else's looks missing)."""
    saved = SavedSearch.objects.filter(user=user, pk=pk).first()
    if saved is None:
        raise Http404
    return saved
