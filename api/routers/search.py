"""Search across everything the caller may read, ranked as on the search page.

No ``from __future__ import annotations``: ninja reads the signatures at runtime.
"""

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from api.auth import ANONYMOUS_ALLOWED, READ_AUTH, caller
from api.pagination import DEFAULT_LIMIT, MAX_LIMIT, next_url, offset_cursor, offset_from_cursor
from api.schemas import LIST_ERRORS, SearchPageOut
from search.facets import MAX_QUERY_CHARS
from search.models import DocumentKind
from search.selectors import search

router = Router(tags=["search"], auth=READ_AUTH)

DocumentType = DocumentKind  # the API's ``type`` values are the index's document kinds


class SearchParams(Schema):
    q: str = Field("", max_length=MAX_QUERY_CHARS, description="What to look for.")
    type: list[DocumentType] = Field(
        default_factory=list, description="Only these types (repeat for several)."
    )
    cursor: str | None = Field(None, description="Opaque: the `next` link carries it.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


@router.get(
    "/search", response={200: SearchPageOut, **LIST_ERRORS}, openapi_extra=ANONYMOUS_ALLOWED
)
def search_everything(request: HttpRequest, params: Query[SearchParams]):
    """Ranked results you may read, with why each was found (``explanation``)."""
    offset = offset_from_cursor(params.cursor)
    results = search(
        user=caller(request),
        query=" ".join(params.q.split()),
        kinds=[str(kind) for kind in params.type] or None,
        limit=params.limit,
        offset=offset,
    )
    end = offset + len(results.results)
    return {
        "items": [
            {
                "type": hit.kind,
                "id": hit.key,
                "title": hit.title,
                "url": request.build_absolute_uri(hit.url),
                "score": hit.score,
                "explanation": {
                    "reason": hit.reason,
                    "matched_terms": hit.matched_terms,
                    "snippet": hit.snippet,
                },
            }
            for hit in results.results
        ],
        "next": next_url(request, offset_cursor(end)) if end < results.total else None,
        "total": results.total,
    }
