"""Instruments: published ones, a provider's own drafts, everything for staff.

No ``from __future__ import annotations``: ninja reads the signatures at runtime.
"""

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from api.auth import ANONYMOUS_ALLOWED, READ_AUTH, caller
from api.pagination import CursorPage
from api.schemas import (
    DETAIL_ERRORS,
    LIST_ERRORS,
    InstrumentDetailOut,
    InstrumentOut,
    KindValue,
    PhaseValue,
)
from api.selectors import api_instruments
from instruments.selectors import get_instrument_for_user

router = Router(tags=["instruments"], auth=READ_AUTH)


class InstrumentFilters(Schema):
    phase: PhaseValue | None = None
    sector: str | None = None
    kind: KindValue | None = None


@router.get(
    "/instruments",
    response={200: list[InstrumentOut], **LIST_ERRORS},
    openapi_extra=ANONYMOUS_ALLOWED,
)
@paginate(CursorPage, ordering=("slug",))
def list_instruments(request: HttpRequest, filters: Query[InstrumentFilters]):
    """Instruments you may see, by slug; filter by phase, sector code and kind."""
    return api_instruments(
        user=caller(request),
        phase=filters.phase or "",
        sector=filters.sector or "",
        kind=filters.kind or "",
    )


@router.get(
    "/instruments/{slug}",
    response={200: InstrumentDetailOut, **DETAIL_ERRORS},
    openapi_extra=ANONYMOUS_ALLOWED,
)
def get_instrument(request: HttpRequest, slug: str):
    return get_instrument_for_user(user=caller(request), slug=slug)
