"""Context for the profile's feed section (``feeds/_profile_feed_tokens.html``), so the
accounts app's profile view needs to know nothing about feeds."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django import template
from django.urls import reverse

from communities.models import Community, Visibility
from feeds import selectors
from feeds.models import SavedSearch
from feeds.views import NEW_TOKEN_SESSION_KEY

register = template.Library()


@dataclass
class CommunityFeeds:
    """A community's journal feed and calendar URLs; empty when they need the personal
    token and it is not being shown right now."""

    community: Community
    is_public: bool
    journal_url: str
    agenda_url: str


@dataclass
class SavedSearchLinks:
    saved: SavedSearch
    page_url: str
    feed_url: str


@register.simple_tag(takes_context=True)
def profile_feeds(context) -> dict:
    """The signed-in person's feed token, feed URLs per community and saved searches.

    The plain token is taken out of the session here, so it is shown once: on the page
    right after it was created or rotated. URLs of closed communities contain it, so they
    are shown only then; public communities' URLs need no token and are always shown.
    """
    request = context["request"]
    data = selectors.profile_feeds(user=request.user)
    plain = request.session.pop(NEW_TOKEN_SESSION_KEY, None) if data.token else None
    absolute = request.build_absolute_uri
    communities = []
    for community in data.communities:
        is_public = community.visibility == Visibility.PUBLIC
        query = "" if is_public else (f"?{urlencode({'token': plain})}" if plain else None)
        kwargs = {"slug": community.slug}
        communities.append(
            CommunityFeeds(
                community=community,
                is_public=is_public,
                journal_url=""
                if query is None
                else absolute(reverse("feeds:community_journal", kwargs=kwargs)) + query,
                agenda_url=""
                if query is None
                else absolute(reverse("feeds:community_agenda", kwargs=kwargs)) + query,
            )
        )
    return {
        "token": data.token,
        "plain_token": plain,
        "new_instruments_url": absolute(reverse("feeds:new_instruments")),
        "communities": communities,
        "saved_searches": [
            SavedSearchLinks(
                saved=saved, page_url=saved.page_url, feed_url=absolute(saved.feed_url)
            )
            for saved in data.saved_searches
        ],
    }
