"""Experiences: read as the visibility rule allows, recorded by signed-in callers.

No ``from __future__ import annotations``: ninja reads the signatures at runtime.
"""

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from api.auth import ANONYMOUS_ALLOWED, READ_AUTH, WRITE_AUTH, caller
from api.pagination import CursorPage
from api.schemas import DETAIL_ERRORS, LIST_ERRORS, WRITE_ERRORS, ExperienceIn, ExperienceOut
from api.selectors import api_experiences, get_sector, get_visible_instrument
from communities.selectors import get_readable_community
from experiences.selectors import get_experience_for_user
from experiences.services import experience_create

router = Router(tags=["experiences"])


@router.get(
    "/experiences",
    response={200: list[ExperienceOut], **LIST_ERRORS},
    auth=READ_AUTH,
    openapi_extra=ANONYMOUS_ALLOWED,
)
@paginate(CursorPage, ordering=("-created_at", "-id"))
def list_experiences(request: HttpRequest, instrument: str | None = None):
    """Experiences you may read, newest first; ``instrument`` filters by its slug."""
    return api_experiences(user=caller(request), instrument=instrument or "")


@router.get(
    "/experiences/{int:experience_id}",
    response={200: ExperienceOut, **DETAIL_ERRORS},
    auth=READ_AUTH,
    openapi_extra=ANONYMOUS_ALLOWED,
)
def get_experience(request: HttpRequest, experience_id: int):
    return get_experience_for_user(user=caller(request), experience_id=experience_id)


@router.post("/experiences", response={201: ExperienceOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def create_experience(request: HttpRequest, payload: ExperienceIn):
    """Record an experience with an instrument you can see; in a community, as its
    facilitator or member (observers and outsiders get 403, a hidden community 404)."""
    user = caller(request)
    instrument = get_visible_instrument(user=user, slug=payload.instrument)
    community = None
    if payload.community:
        community = get_readable_community(user=user, slug=payload.community)
    fields = payload.dict(exclude={"instrument", "community", "sector"})
    experience = experience_create(
        author=user,
        instrument=instrument,
        community=community,
        sector=get_sector(payload.sector),
        **fields,
    )
    return Status(201, experience)
