"""Cursor (keyset) pagination for every API collection: ``?cursor=<opaque>&limit=<1..100>``.

The response is ``{"items": [...], "next": "<url>" | null}``. A cursor is the URL-safe
base64 of the JSON list of the last item's ordering key, and the next page is "the rows
after that key" in the collection's fixed, total ordering (which always ends with a
unique field). So pages never repeat or skip a row when rows are added meanwhile, and
deep pages cost no more than the first.

Ninja 1.7 has a ``CursorPagination``, but it returns ``results``/``previous``, calls the
size ``page_size``, positions on the first ordering field plus an offset, and answers a
bad cursor with 422; ours follows the API's contract, hence this small class on ninja's
``PaginationBase``. Search results are ranked, not keyed: ``offset_cursor`` covers them.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import PaginationBase

from api.errors import ApiError

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_CURSOR_CHARS = 1000


def encode_cursor(values: list) -> str:
    data = json.dumps(values, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _bad_cursor() -> ApiError:
    return ApiError(
        400, "invalid_cursor", _("This cursor is not valid; start from the first page.")
    )


def decode_cursor(cursor: str) -> list:
    """The key list inside ``cursor``; 400 in the API's error shape when it is not one."""
    if len(cursor) > MAX_CURSOR_CHARS:
        raise _bad_cursor()
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError) as exc:
        raise _bad_cursor() from exc
    if not isinstance(values, list) or not values:
        raise _bad_cursor()
    return values


def next_url(request: HttpRequest, cursor: str) -> str:
    """The request's own URL with ``cursor`` replaced; other parameters stay."""
    params = request.GET.copy()
    params["cursor"] = cursor
    query = urlencode(sorted(params.lists()), doseq=True)
    return request.build_absolute_uri(f"{request.path}?{query}")


def _field_name(marker: str) -> tuple[str, bool]:
    return (marker[1:], True) if marker.startswith("-") else (marker, False)


def _in_utc(value: Any) -> Any:
    """A cursor's datetime as the database will compare it: aware, in UTC.

    Converting here turns one at the edge of the calendar (``0001-01-01T00:00+14:00``)
    into an OverflowError the caller answers with 400, not one inside the query (500). Our
    cursors always carry an offset; a naive datetime is not one of ours.
    """
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(datetime.UTC)
    return value


def _json_value(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


class CursorPage(PaginationBase):
    """Keyset pagination over ``ordering`` (field names, ``-`` for descending).

    ``@paginate(CursorPage, ordering=("-created_at", "-id"))`` on an endpoint that
    returns a QuerySet (response ``list[Schema]``); the ordering replaces the queryset's.
    """

    class Input(Schema):
        cursor: str | None = Field(
            None, description="Opaque: the `next` link of the previous page carries it."
        )
        limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page.")

    class Output(Schema):
        items: list[Any]
        next: str | None = Field(description="The next page, or null on the last one.")

    items_attribute = "items"

    def __init__(self, *, ordering: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ordering = ordering
        self.fields = [_field_name(marker) for marker in ordering]

    def _key(self, queryset: QuerySet, cursor: str) -> list:
        """The cursor's values converted to the fields' Python types (400 if they are not)."""
        values = decode_cursor(cursor)
        if len(values) != len(self.fields):
            raise _bad_cursor()
        converted = []
        for (name, _direction), value in zip(self.fields, values, strict=True):
            try:
                field = queryset.model._meta.get_field(name)
                converted.append(_in_utc(field.to_python(value)))
            except (
                FieldDoesNotExist,
                DjangoValidationError,
                TypeError,
                ValueError,
                OverflowError,
            ) as exc:
                raise _bad_cursor() from exc
            if converted[-1] is None:
                raise _bad_cursor()
        return converted

    def _after(self, key: list) -> Q:
        """Rows after ``key`` in the ordering: (a > x) or (a = x and b > y) or ..."""
        condition = Q()
        for position, (name, descending) in enumerate(self.fields):
            step = Q(**{f"{name}__{'lt' if descending else 'gt'}": key[position]})
            for earlier, (earlier_name, _direction) in enumerate(self.fields[:position]):
                step &= Q(**{earlier_name: key[earlier]})
            condition |= step
        return condition

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Input, request: HttpRequest, **params: Any
    ) -> dict:
        queryset = queryset.order_by(*self.ordering)
        if pagination.cursor:
            queryset = queryset.filter(self._after(self._key(queryset, pagination.cursor)))
        rows = list(queryset[: pagination.limit + 1])
        items = rows[: pagination.limit]
        link = None
        if len(rows) > pagination.limit:
            last = items[-1]
            link = next_url(
                request,
                encode_cursor([_json_value(getattr(last, name)) for name, _d in self.fields]),
            )
        return {"items": items, "next": link}


def offset_from_cursor(cursor: str | None) -> int:
    """The position inside a ranked list (search) that ``cursor`` points at."""
    if not cursor:
        return 0
    values = decode_cursor(cursor)
    if len(values) != 1 or not isinstance(values[0], int) or not 0 < values[0] <= 10_000:
        raise _bad_cursor()
    return values[0]


def offset_cursor(offset: int) -> str:
    return encode_cursor([offset])
