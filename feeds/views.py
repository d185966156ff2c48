"""Views of the feeds app: the community calendar (``agenda.ics``) and the profile's
feed section (personal feed token, saved searches). The Atom feeds are in ``feeds.atom``.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.sites.shortcuts import get_current_site
from django.contrib.syndication.views import add_domain
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from feeds import selectors, services
from feeds.forms import SavedSearchForm
from feeds.ical import community_calendar
from search.facets import SearchFilters

# The plain token waits here from the POST that made it until the profile shows it once.
NEW_TOKEN_SESSION_KEY = "feeds.new_token"  # noqa: S105 - a key name, not a secret
PROFILE_SECTION = "#feeds"


@require_GET
def community_agenda(request, slug: str):
    """The community's meetings as iCalendar, under the same rule as its journal feed:
    public communities for anyone, closed ones with a member's ``?token=``; else 404."""
    token = request.GET.get("token")
    reader = selectors.feed_reader(token)
    community = selectors.get_feed_community(reader=reader, slug=slug)
    meetings = selectors.community_meetings(community=community)
    domain = get_current_site(request).domain

    def absolute_url(path: str) -> str:
        return add_domain(domain, path, request.is_secure())

    body = community_calendar(community=community, meetings=meetings, absolute_url=absolute_url)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{community.slug}.ics"'
    if token is not None:
        patch_cache_control(response, private=True, no_store=True)
        response["X-Robots-Tag"] = "noindex"
    changed = max((m.updated_at for m in meetings), default=community.updated_at)
    response["Last-Modified"] = http_date(changed.timestamp())
    return get_conditional_response(
        request, last_modified=int(changed.timestamp()), response=response
    )


def _to_profile():
    return redirect(reverse("accounts:profile") + PROFILE_SECTION)


@login_required
@require_POST
def feed_token_rotate(request):
    """Create the personal feed token, or replace it; its plain text is shown once."""
    _token, plain = services.feed_token_rotate(user=request.user)
    request.session[NEW_TOKEN_SESSION_KEY] = plain
    messages.success(
        request,
        _("Your personal feed links are ready. Copy them now: they are shown only once."),
    )
    return _to_profile()


@login_required
@require_POST
def feed_token_revoke(request):
    if services.feed_token_revoke(user=request.user):
        messages.success(request, _("Your feed token is revoked; its links no longer work."))
    return _to_profile()


@login_required
@require_POST
def saved_search_create(request):
    """Save the search in the POST (``q`` and its filters, as the search page sends them)
    and go back to its results."""
    filters = SearchFilters.from_querydict(request.POST)
    query_string = urlencode(filters.as_params())
    back = reverse("search:search") + (f"?{query_string}" if query_string else "")
    form = SavedSearchForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("name", []):
            messages.error(request, error)
        return redirect(back)
    name = form.cleaned_data["name"].strip() or filters.query[:100]
    try:
        services.saved_search_create(user=request.user, name=name, query_string=query_string)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(back)
    messages.success(request, _("Search saved. Your profile page lists it with its feed."))
    return redirect(back)


@login_required
@require_POST
def saved_search_delete(request, pk: int):
    saved = selectors.get_saved_search_for_user(user=request.user, pk=pk)
    services.saved_search_delete(user=request.user, saved_search=saved)
    messages.success(request, _("The saved search “%(name)s” is removed.") % {"name": saved.name})
    return _to_profile()
