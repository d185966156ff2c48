"""Refuse oversized requests before anything reads them.

A body larger than ``REQUEST_MAX_BODY_BYTES`` (set above the largest legitimate upload)
is answered 413 from its ``Content-Length`` alone, and a query string longer than
``REQUEST_MAX_QUERY_STRING_BYTES`` 400, so no view, form or search spends time on them.
Django's own ``DATA_UPLOAD_MAX_MEMORY_SIZE`` and ``DATA_UPLOAD_MAX_NUMBER_FIELDS`` still
guard form bodies (``RequestDataTooBig``/``TooManyFieldsSent`` become 400 pages).

The JSON API takes no uploads, so its bodies are held to ``DATA_UPLOAD_MAX_MEMORY_SIZE``
here, and its query strings to ``DATA_UPLOAD_MAX_NUMBER_FIELDS``: inside a ninja view those
two exceptions would reach the catch-all handler as a 500. Under ``/api/`` every answer
uses the API's one error shape.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html
from django.utils.translation import gettext as _

from api.errors import error_response

API_PREFIX = "/api/"

PAGE = """<!DOCTYPE html>
<html lang="{}">
  <head><meta charset="utf-8"><title>{}</title></head>
  <body><h1>{}</h1><p>{}</p></body>
</html>
"""


def _refuse(request: HttpRequest, status: int, code: str, title: str, message: str):
    if request.path_info.startswith(API_PREFIX):
        return error_response(status, message, code=code)
    html = format_html(PAGE, settings.LANGUAGE_CODE, title, title, message)
    return HttpResponse(html, status=status, content_type="text/html; charset=utf-8")


class RequestLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = self._check(request)
        return refusal if refusal is not None else self.get_response(request)

    def _check(self, request: HttpRequest) -> HttpResponse | None:
        is_api = request.path_info.startswith(API_PREFIX)
        query = request.META.get("QUERY_STRING", "")
        query_limit = settings.REQUEST_MAX_QUERY_STRING_BYTES
        if len(query.encode("latin-1", "replace")) > query_limit:
            return _refuse(
                request,
                400,
                "query_too_long",
                _("Address too long"),
                _("The address of this request is longer than %(limit)s characters.")
                % {"limit": query_limit},
            )
        fields_limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        if is_api and fields_limit is not None and query.count("&") >= fields_limit:
            return _refuse(
                request,
                400,
                "too_many_fields",
                _("Too many parameters"),
                _("This request has more than %(limit)s parameters.") % {"limit": fields_limit},
            )
        raw_length = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(raw_length)
        except ValueError:
            length = -1
        if length < 0:
            return _refuse(
                request,
                400,
                "bad_request",
                _("Bad request"),
                _("The length of this request is not a number."),
            )
        body_limit = settings.REQUEST_MAX_BODY_BYTES
        if is_api and settings.DATA_UPLOAD_MAX_MEMORY_SIZE is not None:
            body_limit = min(body_limit, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        if length > body_limit:
            return _refuse(
                request,
                413,
                "payload_too_large",
                _("Request too large"),
                _("This request is %(size)s; the limit is %(limit)s.")
                % {"size": filesizeformat(length), "limit": filesizeformat(body_limit)},
            )
        return None
