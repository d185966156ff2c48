"""Communities and their journals. Confidential communities exist only for their
members; a members-only community is listed to everyone but its journal is not.

No ``from __future__ import annotations``: ninja reads the signatures at runtime.
"""

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from api.auth import ANONYMOUS_ALLOWED, READ_AUTH, caller
from api.pagination import CursorPage
from api.schemas import (
    DETAIL_ERRORS,
    LIST_ERRORS,
    CommunityDetailOut,
    CommunityOut,
    ErrorOut,
    JournalEntryOut,
)
from api.selectors import (
    api_communities,
    api_journal,
    get_community_detail,
    get_journal_entry_for_user,
)

router = Router(tags=["communities"], auth=READ_AUTH)


@router.get(
    "/communities",
    response={200: list[CommunityOut], **LIST_ERRORS},
    openapi_extra=ANONYMOUS_ALLOWED,
)
@paginate(CursorPage, ordering=("slug",))
def list_communities(request: HttpRequest):
    """Communities listed to you, by slug."""
    return api_communities(user=caller(request))


@router.get(
    "/communities/{slug}",
    response={200: CommunityDetailOut, **DETAIL_ERRORS},
    openapi_extra=ANONYMOUS_ALLOWED,
)
def get_community(request: HttpRequest, slug: str):
    return get_community_detail(user=caller(request), slug=slug)


@router.get(
    "/communities/{slug}/journal",
    response={200: list[JournalEntryOut], **LIST_ERRORS, 404: ErrorOut},
    openapi_extra=ANONYMOUS_ALLOWED,
)
@paginate(CursorPage, ordering=("-date", "-created_at", "-id"))
def list_journal_entries(request: HttpRequest, slug: str):
    """The community's journal, newest first: 404 unless you may read the community."""
    return api_journal(user=caller(request), slug=slug)


@router.get(
    "/journal-entries/{int:entry_id}",
    response={200: JournalEntryOut, **DETAIL_ERRORS},
    openapi_extra=ANONYMOUS_ALLOWED,
)
def get_journal_entry(request: HttpRequest, entry_id: int):
    return get_journal_entry_for_user(user=caller(request), entry_id=entry_id)
