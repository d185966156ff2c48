"""Input and output schemas of the API, one pair per operation where they differ.

Items name each other by key: an instrument or community by its slug, anything else by
its number. ``url`` is the item's page on the site (Dutch, the site's main language).
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.conf import settings
from django.utils import translation
from ninja import Field, Schema
from ninja.schema import DjangoGetter
from pydantic import field_validator, model_validator

from comments.targets import target_field
from communities.models import Level
from instruments.constants import Kind, Phase

PhaseValue = Literal[tuple(Phase.values)]  # type: ignore[valid-type]
LevelValue = Literal[tuple(Level.values)]  # type: ignore[valid-type]
KindValue = Literal[tuple(Kind.values)]  # type: ignore[valid-type]
TargetType = Literal["instrument", "experience", "journal_entry", "question"]


def site_url(context: dict | None, obj) -> str:
    """``obj``'s page as an absolute URL, in the site's default language."""
    with translation.override(settings.LANGUAGE_CODE):
        path = obj.get_absolute_url()
    request = (context or {}).get("request")
    return request.build_absolute_uri(path) if request is not None else path


class PageOut(Schema):
    """Output of something with a page of its own: its ``url`` field is that page."""

    @staticmethod
    def resolve_url(obj, context) -> str:
        return site_url(context, obj)


class AuthoredOut(Schema):
    """Output of a contribution: its ``author`` field is the author's display name, or
    null once the account is gone. ``moderation_state`` is ``visible`` for everything
    others see; only the author is shown their own contribution while it is ``pending``
    review (a new account's first posts) or ``hidden`` by a moderator."""

    moderation_state: str = Field(
        description="visible, pending (held for review) or hidden; only the author sees "
        "the last two."
    )

    @staticmethod
    def resolve_author(obj) -> str | None:
        return obj.author.display_name if obj.author is not None else None


class InputSchema(Schema):
    """A request body: a JSON object whose strings hold no NUL character.

    Without the first check ninja would read attributes off any JSON value (the body
    ``"AAA"`` became a question titled ``"AAA".title()``); the second keeps NUL, which
    PostgreSQL cannot store, out of the database with a 422 instead of a 500.
    """

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: Any) -> Any:
        # Ninja's own (outer) validator has wrapped the value in its DjangoGetter by now.
        value = data._obj if isinstance(data, DjangoGetter) else data
        if not isinstance(value, dict):
            raise ValueError("The request body must be a JSON object.")
        return data

    @field_validator("*")
    @classmethod
    def _no_null_characters(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("Null characters are not allowed.")
        return value


# Instruments ---------------------------------------------------------------------------


class InstrumentOut(PageOut):
    slug: str
    title: str
    title_en: str
    summary: str
    kind: str
    status: str
    phases: list[str] = Field(description="In the phases' natural order.")
    sectors: list[str] = Field(description="Sector codes, in the authors' order.")
    url: str
    updated_at: datetime.datetime

    @staticmethod
    def resolve_phases(obj) -> list[str]:
        return obj.phase_values

    @staticmethod
    def resolve_sectors(obj) -> list[str]:
        return [link.sector.slug for link in obj.sector_links.all()]


class LinkOut(Schema):
    title: str
    url: str


class InstrumentDetailOut(InstrumentOut):
    body: str
    when_to_use: str
    steps: list[Any]
    keywords: list[Any]
    audiences: list[str]
    organisation: str | None
    licence: str
    source: str
    links: list[LinkOut]
    related: list[str] = Field(description="Slugs of related instruments you may see.")
    created_at: datetime.datetime

    @staticmethod
    def resolve_audiences(obj) -> list[str]:
        return [link.audience.slug for link in obj.audience_links.all()]

    @staticmethod
    def resolve_organisation(obj) -> str | None:
        return obj.organisation.name if obj.organisation else None

    @staticmethod
    def resolve_related(obj) -> list[str]:
        return [link.to_instrument.slug for link in obj.relation_links.all()]

    @staticmethod
    def resolve_links(obj) -> list:
        return list(obj.links.all())


# Experiences ---------------------------------------------------------------------------


class ExperienceOut(PageOut, AuthoredOut):
    id: int
    instrument: str = Field(description="The instrument's slug.")
    instrument_title: str
    community: str | None = Field(description="The community's slug, if any.")
    sector: str | None
    level: str
    phase: str
    group_size: int | None
    with_business: bool
    with_education: bool
    with_government: bool
    with_citizens: bool
    what_was_done: str
    what_worked: str
    what_did_not: str
    adaptation: str
    rating: int
    would_recommend: bool
    author: str | None
    created_at: datetime.datetime
    url: str

    @staticmethod
    def resolve_instrument(obj) -> str:
        return obj.instrument.slug

    @staticmethod
    def resolve_instrument_title(obj) -> str:
        return obj.instrument.title

    @staticmethod
    def resolve_community(obj) -> str | None:
        return obj.community.slug if obj.community_id else None

    @staticmethod
    def resolve_sector(obj) -> str | None:
        return obj.sector.slug if obj.sector_id else None


class ExperienceIn(InputSchema):
    instrument: str = Field(description="The slug of an instrument you can see.")
    community: str | None = Field(
        None, description="The slug of a community you are a member of, or null."
    )
    sector: str | None = Field(None, description="A sector code.")
    level: LevelValue | Literal[""] = ""
    phase: PhaseValue | Literal[""] = ""
    group_size: int | None = Field(None, ge=1, le=10000)
    with_business: bool = False
    with_education: bool = False
    with_government: bool = False
    with_citizens: bool = False
    what_was_done: str = Field(min_length=1, max_length=5000)
    what_worked: str = Field("", max_length=5000)
    what_did_not: str = Field("", max_length=5000)
    adaptation: str = Field("", max_length=5000)
    rating: int = Field(ge=1, le=5, description="How useful it was, 1 to 5.")
    would_recommend: bool = True


# Communities ---------------------------------------------------------------------------


class CommunityOut(PageOut):
    slug: str
    name: str
    challenge: str
    level: str
    sectors: list[str]
    region: str
    current_phase: str
    visibility: str
    can_read_content: bool = Field(
        description="Whether you may read its journal, experiences and members."
    )
    your_role: str | None = Field(description="facilitator, member, observer or null.")
    url: str

    @staticmethod
    def resolve_can_read_content(obj) -> bool:
        return bool(obj.viewer_can_read)

    @staticmethod
    def resolve_your_role(obj) -> str | None:
        return obj.viewer_role


class CommunityDetailOut(CommunityOut):
    lead: str
    member_count: int | None = Field(description="Only when you may read its content.")
    lessons: list[Any] | None = Field(description="Only when you may read its content.")
    created_at: datetime.datetime

    @staticmethod
    def resolve_member_count(obj) -> int | None:
        return obj.member_count if obj.viewer_can_read else None

    @staticmethod
    def resolve_lessons(obj) -> list | None:
        return obj.lessons if obj.viewer_can_read else None


# Journal -------------------------------------------------------------------------------


class ValueStoryOut(Schema):
    cycle: str
    capital: str
    text: str


class JournalEntryOut(PageOut, AuthoredOut):
    id: int
    community: str
    kind: str
    date: datetime.date
    title: str
    phase: str
    sub_phase: str
    sprint_number: int | None
    text: str
    instruments: list[str] = Field(description="Slugs of the instruments used that you may see.")
    value_stories: list[ValueStoryOut]
    author: str | None
    created_at: datetime.datetime
    url: str

    @staticmethod
    def resolve_community(obj) -> str:
        return obj.community.slug

    @staticmethod
    def resolve_instruments(obj) -> list[str]:
        return [instrument.slug for instrument in obj.visible_instruments]

    @staticmethod
    def resolve_value_stories(obj) -> list:
        return list(obj.value_stories.all())


# Questions -----------------------------------------------------------------------------


class QuestionOut(PageOut, AuthoredOut):
    id: int
    title: str
    body: str
    phase: str
    sector: str | None
    author: str | None
    answer_count: int
    has_instrument: bool = Field(description="Some answer links an instrument you may see.")
    created_at: datetime.datetime
    url: str

    @staticmethod
    def resolve_sector(obj) -> str | None:
        return obj.sector.slug if obj.sector_id else None


class AnswerOut(AuthoredOut):
    id: int
    body: str
    author: str | None
    is_helpful: bool
    instruments: list[str] = Field(description="Slugs of the linked instruments you may see.")
    created_at: datetime.datetime

    @staticmethod
    def resolve_instruments(obj) -> list[str]:
        return [instrument.slug for instrument in obj.visible_instruments]


class QuestionDetailOut(QuestionOut):
    answers: list[AnswerOut]

    @staticmethod
    def resolve_answers(obj) -> list:
        """Set by the endpoint from ``questions.selectors.question_answers``."""
        return obj.answers_for_api


class QuestionIn(InputSchema):
    title: str = Field(min_length=1, max_length=250)
    body: str = Field("", max_length=5000)
    phase: PhaseValue | Literal[""] = ""
    sector: str | None = Field(None, description="A sector code.")


# Comments ------------------------------------------------------------------------------


class CommentIn(InputSchema):
    target_type: TargetType
    target_id: str = Field(
        min_length=1,
        max_length=100,
        description="The slug of an instrument, the number of anything else.",
    )
    body: str = Field(min_length=1, max_length=5000)
    parent_id: int | None = Field(None, description="The comment this replies to, if any.")


class CommentOut(AuthoredOut):
    id: int
    target_type: str
    target_id: str
    parent_id: int | None
    body: str
    author: str | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_target_type(obj) -> str:
        return target_field(obj.target)

    @staticmethod
    def resolve_target_id(obj) -> str:
        target = obj.target
        return target.slug if target_field(target) == "instrument" else str(target.pk)


# Search --------------------------------------------------------------------------------


class ExplanationOut(Schema):
    reason: str = Field(
        description="terms: shares matched_terms; meaning: similar in meaning to the "
        "snippet; context: public text of an experience, answer or journal entry that "
        "used this instrument matched."
    )
    matched_terms: list[str]
    snippet: str


class SearchHitOut(Schema):
    type: str
    id: str = Field(description="The slug of an instrument or community, else the number.")
    title: str
    url: str
    score: float
    explanation: ExplanationOut


class SearchPageOut(Schema):
    items: list[SearchHitOut]
    next: str | None
    total: int = Field(description="How many results there are in all.")


# Errors --------------------------------------------------------------------------------


class ErrorDetail(Schema):
    loc: list[str | int] = []
    message: str
    type: str = ""


class ErrorBody(Schema):
    status: int
    code: str
    message: str
    details: list[ErrorDetail]


class ErrorOut(Schema):
    error: ErrorBody


# The errors each kind of operation can answer, declared so the OpenAPI document lists them
# (429: the API rate limit, ``lib.ratelimits.ApiThrottle``).
LIST_ERRORS = {400: ErrorOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut}  # 400: a bad cursor
DETAIL_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}
WRITE_ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}


# --- scans ---------------------------------------------------------------------------

ScaleValue = Literal["agreement", "bipolar", "yes_no", "open"]


class ScanItemOut(Schema):
    key: str
    text: str
    scale: ScaleValue
    left_pole: str = ""
    right_pole: str = ""


class ItemAggregateOut(Schema):
    key: str
    mean: float | None
    spread: float | None


class GroupAggregateOut(Schema):
    """Answers of a group of rounds together; a group below the minimum size is left out."""

    label: str
    responses: int
    rounds: int
    items: list[ItemAggregateOut]


class ScanOut(Schema):
    id: int
    key: str
    title: str
    instructions: str
    version: int
    items: list[ScanItemOut]
    minimum_group_size: int
    across_public_communities: GroupAggregateOut | None
    by_sector_and_level: list[GroupAggregateOut]


class ItemResultOut(Schema):
    key: str
    text: str
    scale: ScaleValue
    count: int
    mean: float | None
    spread: float | None
    distribution: dict[str, int]
    discussion_point: bool
    change_since_previous_round: float | None
    open_answers: list[str]


class ScanRoundOut(Schema):
    """A round; ``results`` is null until it is closed with enough answers."""

    code: str
    title: str
    community: str
    scan: str
    version: int
    started_at: datetime.datetime
    closes_at: datetime.datetime
    is_open: bool
    responses: int
    minimum_group_size: int
    results: list[ItemResultOut] | None
