"""The OAI-PMH 2.0 endpoint: one URL, six verbs, GET or form-encoded POST.

The view checks the request grammar (``protocol``), reads through ``selectors`` and
renders XML templates; every protocol error is an ``<error>`` in a 200 response, as
the specification requires. Harvesters post without a CSRF token and change nothing,
hence ``csrf_exempt``.
"""

from __future__ import annotations

from dataclasses import replace

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from harvest import selectors
from harvest.protocol import (
    GRANULARITY,
    METADATA_PREFIX,
    OAI_DC_NAMESPACE,
    OAI_DC_SCHEMA,
    Continuation,
    OaiError,
    base_url,
    dump_token,
    format_datestamp,
    load_token,
    parse_date_range,
    parse_identifier,
    parse_request,
    token_expiration,
)

CONTENT_TYPE = "text/xml; charset=utf-8"
FORMATS = [{"prefix": METADATA_PREFIX, "schema": OAI_DC_SCHEMA, "namespace": OAI_DC_NAMESPACE}]


def _check_prefix(prefix: str) -> None:
    if prefix != METADATA_PREFIX:
        raise OaiError("cannotDisseminateFormat", f"Only {METADATA_PREFIX} is disseminated.")


def _find(identifier: str, *, with_metadata: bool) -> selectors.Record:
    parsed = parse_identifier(identifier)
    record = selectors.find_record(*parsed, with_metadata=with_metadata) if parsed else None
    if record is None:
        raise OaiError("idDoesNotExist", f"No record has the identifier {identifier!r}.")
    return record


def identify(arguments: dict) -> tuple[str, dict]:
    return "harvest/identify.xml", {
        "repository_name": selectors.REPOSITORY_NAME,
        "admin_email": selectors.admin_email(),
        "earliest_datestamp": selectors.earliest_datestamp(),
        "granularity": GRANULARITY,
    }


def list_metadata_formats(arguments: dict) -> tuple[str, dict]:
    if "identifier" in arguments:
        _find(arguments["identifier"], with_metadata=False)
    return "harvest/list_metadata_formats.xml", {"formats": FORMATS}


def list_sets(arguments: dict) -> tuple[str, dict]:
    if "resumptionToken" in arguments:
        raise OaiError("badResumptionToken", "ListSets is complete in one response.")
    return "harvest/list_sets.xml", {"sets": selectors.list_sets()}


def _list(verb: str, arguments: dict) -> tuple[str, dict]:
    """ListIdentifiers and ListRecords: one page, and a token for the next if any."""
    if "resumptionToken" in arguments:
        continuation = load_token(arguments["resumptionToken"], verb=verb)
    else:
        continuation = Continuation(verb, arguments, timezone.now(), after=None, cursor=0)
    original = continuation.arguments
    dates = parse_date_range(original)
    _check_prefix(original.get("metadataPrefix", ""))
    page = selectors.record_page(
        dates=dates,
        set_spec=original.get("set"),
        started=continuation.started,
        after=continuation.after,
        limit=settings.OAI_PAGE_SIZE,
        with_metadata=verb == "ListRecords",
    )
    if not page.records:
        raise OaiError("noRecordsMatch", "No records match these arguments.")
    token = None
    if page.has_more or continuation.after is not None:
        following = replace(
            continuation, after=page.last_key, cursor=continuation.cursor + len(page.records)
        )
        token = {
            "value": dump_token(following) if page.has_more else "",
            "expiration": token_expiration() if page.has_more else "",
            "cursor": continuation.cursor,
            "complete_list_size": page.complete_list_size,
        }
    return "harvest/list_records.xml", {
        "verb": verb,
        "records": page.records,
        "with_metadata": verb == "ListRecords",
        "token": token,
    }


def list_identifiers(arguments: dict) -> tuple[str, dict]:
    return _list("ListIdentifiers", arguments)


def list_records(arguments: dict) -> tuple[str, dict]:
    return _list("ListRecords", arguments)


def get_record(arguments: dict) -> tuple[str, dict]:
    _check_prefix(arguments["metadataPrefix"])
    record = _find(arguments["identifier"], with_metadata=True)
    return "harvest/get_record.xml", {"record": record}


HANDLERS = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "ListIdentifiers": list_identifiers,
    "ListRecords": list_records,
    "GetRecord": get_record,
}


@csrf_exempt
@require_http_methods(["GET", "POST"])
def endpoint(request: HttpRequest) -> HttpResponse:
    params = request.POST if request.method == "POST" else request.GET
    context: dict = {
        "response_date": format_datestamp(timezone.now()),
        "base_url": base_url(),
        "request_attributes": [],
    }
    try:
        oai_request = parse_request(params)
        context["request_attributes"] = [
            ("verb", oai_request.verb),
            *sorted(oai_request.arguments.items()),
        ]
        template, extra = HANDLERS[oai_request.verb](oai_request.arguments)
    except OaiError as error:
        if error.code in ("badVerb", "badArgument"):
            # The specification: the request element then carries no attributes.
            context["request_attributes"] = []
        template, extra = "harvest/error.xml", {"error": error}
    context.update(extra)
    return HttpResponse(render_to_string(template, context), content_type=CONTENT_TYPE)
