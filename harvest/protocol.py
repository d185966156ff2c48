"""The OAI-PMH 2.0 request grammar: verbs, arguments, datestamps, identifiers and
resumption tokens. Pure functions without database access, so every protocol error
is decided before a single query runs.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.utils import timezone

METADATA_PREFIX = "oai_dc"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
OAI_DC_NAMESPACE = "http://www.openarchives.org/OAI/2.0/oai_dc/"
GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
SECOND_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
DAY_FORMAT = "%Y-%m-%d"
_DATESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}Z)?")
TOKEN_SALT = "harvest.oai.resumption-token"  # noqa: S105 - a namespace, not a secret

# Per verb: arguments that are required and that are allowed. ``resumptionToken`` is
# exclusive wherever it is allowed: it stands for the original arguments.
VERBS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "Identify": (frozenset(), frozenset()),
    "ListMetadataFormats": (frozenset(), frozenset({"identifier"})),
    "ListSets": (frozenset(), frozenset({"resumptionToken"})),
    "ListIdentifiers": (
        frozenset({"metadataPrefix"}),
        frozenset({"metadataPrefix", "from", "until", "set", "resumptionToken"}),
    ),
    "ListRecords": (
        frozenset({"metadataPrefix"}),
        frozenset({"metadataPrefix", "from", "until", "set", "resumptionToken"}),
    ),
    "GetRecord": (
        frozenset({"identifier", "metadataPrefix"}),
        frozenset({"identifier", "metadataPrefix"}),
    ),
}


class OaiError(Exception):
    """A protocol error; ``code`` is one of the error codes of OAI-PMH 2.0 section 3.6."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class OaiRequest:
    verb: str
    arguments: dict[str, str]


def parse_request(params) -> OaiRequest:
    """Check a QueryDict against the grammar of its verb.

    badVerb for a missing, repeated or unknown verb; badArgument for a missing
    required, an unknown or a repeated argument, or anything next to a resumptionToken.
    """
    verbs = params.getlist("verb")
    if len(verbs) != 1 or verbs[0] not in VERBS:
        if not verbs:
            raise OaiError("badVerb", "The verb argument is missing.")
        if len(verbs) > 1:
            raise OaiError("badVerb", "The verb argument is repeated.")
        raise OaiError("badVerb", "Illegal OAI verb.")
    verb = verbs[0]
    required, allowed = VERBS[verb]
    arguments: dict[str, str] = {}
    for name in params:
        if name == "verb":
            continue
        values = params.getlist(name)
        if name not in allowed:
            raise OaiError("badArgument", f"{verb} does not take the argument {name!r}.")
        if len(values) > 1:
            raise OaiError("badArgument", f"The argument {name!r} is repeated.")
        arguments[name] = values[0]
    if "resumptionToken" in arguments:
        if len(arguments) > 1:
            raise OaiError("badArgument", "resumptionToken is an exclusive argument.")
        return OaiRequest(verb, arguments)
    missing = sorted(required - arguments.keys())
    if missing:
        raise OaiError("badArgument", f"{verb} requires the argument {missing[0]!r}.")
    return OaiRequest(verb, arguments)


def format_datestamp(moment: dt.datetime) -> str:
    """UTC at the granularity of seconds, as every datestamp of this repository."""
    return moment.astimezone(dt.UTC).strftime(SECOND_FORMAT)


@dataclass(frozen=True)
class DateRange:
    """Selective harvesting bounds on the stored (sub-second) moments.

    ``start`` is inclusive; ``end`` is exclusive and already one granule after
    ``until``, because a datestamp shown truncated to the second (or day) lies at or
    before ``until`` exactly when the stored moment lies before the next granule.
    """

    start: dt.datetime | None = None
    end: dt.datetime | None = None


def _parse_bound(name: str, value: str) -> tuple[dt.datetime, dt.timedelta]:
    """The moment and its granule; strptime alone would also take "2024-1-5"."""
    if _DATESTAMP.fullmatch(value):
        pattern, granule = (
            (SECOND_FORMAT, dt.timedelta(seconds=1))
            if "T" in value
            else (DAY_FORMAT, dt.timedelta(days=1))
        )
        try:
            return dt.datetime.strptime(value, pattern).replace(tzinfo=dt.UTC), granule
        except ValueError:
            pass
    raise OaiError(
        "badArgument", f"{name}={value!r} is not a UTC datestamp (YYYY-MM-DD or {GRANULARITY})."
    )


def parse_date_range(arguments: dict[str, str]) -> DateRange:
    """badArgument for an illegal datestamp, mixed granularities or from after until."""
    start = end = None
    granules = []
    if "from" in arguments:
        start, granule = _parse_bound("from", arguments["from"])
        granules.append(granule)
    if "until" in arguments:
        until, granule = _parse_bound("until", arguments["until"])
        granules.append(granule)
        end = until + granule
        if start is not None and start > until:
            raise OaiError("badArgument", "from is later than until.")
    if len(set(granules)) > 1:
        raise OaiError("badArgument", "from and until must have the same granularity.")
    return DateRange(start=start, end=end)


def repository_host() -> str:
    """The namespace part of identifiers: SITE_URL's host name, without a port."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def make_identifier(kind: str, slug: str) -> str:
    return f"oai:{repository_host()}:{kind}:{slug}"


def parse_identifier(identifier: str) -> tuple[str, str] | None:
    """(kind, slug) of one of this repository's identifiers, or None."""
    prefix = f"oai:{repository_host()}:"
    if not identifier.startswith(prefix):
        return None
    kind, _sep, slug = identifier[len(prefix) :].partition(":")
    if not kind or not slug:
        return None
    return kind, slug


def base_url() -> str:
    return settings.SITE_URL + "/oai"


@dataclass(frozen=True)
class Continuation:
    """Everything a resumption token carries: the original request, the moment the
    list was started (records changed later wait for the next incremental harvest, so
    the list does not shift under a harvester) and the last (datestamp, slug) sent."""

    verb: str
    arguments: dict[str, str]
    started: dt.datetime
    after: tuple[dt.datetime, str] | None
    cursor: int


def token_max_age() -> int:
    return settings.OAI_RESUMPTION_TOKEN_MAX_AGE


def dump_token(continuation: Continuation) -> str:
    """An opaque token, signed with SECRET_KEY so that it cannot be forged or edited."""
    payload = {
        "v": continuation.verb,
        "a": continuation.arguments,
        "t": continuation.started.isoformat(),
        "k": [continuation.after[0].isoformat(), continuation.after[1]]
        if continuation.after
        else None,
        "c": continuation.cursor,
    }
    return signing.dumps(payload, salt=TOKEN_SALT, compress=True)


def load_token(token: str, *, verb: str) -> Continuation:
    """badResumptionToken for a token that is forged, expired or for another verb."""
    try:
        payload = signing.loads(token, salt=TOKEN_SALT, max_age=token_max_age())
    except signing.SignatureExpired:
        raise OaiError("badResumptionToken", "The resumptionToken has expired.") from None
    except signing.BadSignature:
        raise OaiError("badResumptionToken", "The resumptionToken is invalid.") from None
    if not isinstance(payload, dict) or payload.get("v") != verb:
        raise OaiError("badResumptionToken", f"The resumptionToken is not one of {verb}.")
    try:
        after = payload["k"]
        return Continuation(
            verb=verb,
            arguments=dict(payload["a"]),
            started=dt.datetime.fromisoformat(payload["t"]),
            after=(dt.datetime.fromisoformat(after[0]), str(after[1])) if after else None,
            cursor=int(payload["c"]),
        )
    except (KeyError, TypeError, ValueError, IndexError):
        raise OaiError("badResumptionToken", "The resumptionToken is invalid.") from None


def token_expiration() -> str:
    return format_datestamp(timezone.now() + dt.timedelta(seconds=token_max_age()))
