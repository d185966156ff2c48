"""Checks for library records before anything is written.

The functions are pure: they read no database and write nothing. The caller passes in
the ids that already exist, and gets back a list of ``Problem``s, one for each bad
field of each record. An import checks every record of every file first and writes
only when the list is empty. The rules follow the models (lengths, choices) and add
what the models cannot see: unknown keys (typos), duplicate ids and related ids that
exist neither in the import nor in the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from communities.models import Community, Level
from instruments.constants import WHEN_TO_USE_MAX_LENGTH, Kind, Phase, Status
from instruments.models import Audience, Instrument, InstrumentLink, Organisation, Sector
from knowledge.models import Concept
from library import problems as p
from library.problems import Problem, close_match_hint, json_type_name

if TYPE_CHECKING:
    from library.readers import SourceRecord

INSTRUMENTS, CONCEPTS, COMMUNITIES = "instruments", "concepts", "communities"
KINDS = (CONCEPTS, INSTRUMENTS, COMMUNITIES)  # also the order of writing

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_url_validator = URLValidator()


@dataclass(frozen=True)
class FieldRule:
    """What one key of a record may hold.

    ``shape`` is "text" (a string), "nullable" (a string or null), "list" (a list of
    non-empty strings) or "links" (a list of {"url", "title"} objects). A required
    field must be present and not empty.
    """

    shape: str
    required: bool = False
    max_length: int | None = None
    choices: tuple[str, ...] | None = None
    noun: str = ""
    slug: bool = False
    unique_items: bool = False


def _max(model, name: str) -> int | None:
    return model._meta.get_field(name).max_length


PHASES = tuple(Phase.values)

RULES: dict[str, dict[str, FieldRule]] = {
    INSTRUMENTS: {
        "id": FieldRule("text", required=True, max_length=_max(Instrument, "slug"), slug=True),
        "title": FieldRule("text", required=True, max_length=_max(Instrument, "title")),
        "title_en": FieldRule("text", max_length=_max(Instrument, "title_en")),
        "summary": FieldRule("text", required=True, max_length=_max(Instrument, "summary")),
        "description": FieldRule("text"),
        "steps": FieldRule("list"),
        "phases": FieldRule("list", required=True, choices=PHASES, noun="phase", unique_items=True),
        "kind": FieldRule("text", required=True, choices=tuple(Kind.values), noun="kind"),
        "sectors": FieldRule("list", max_length=_max(Sector, "slug"), slug=True, unique_items=True),
        "audience": FieldRule("list", max_length=_max(Audience, "name"), unique_items=True),
        "source": FieldRule("text", max_length=_max(Instrument, "source")),
        "related": FieldRule("list", unique_items=True),
        "keywords": FieldRule("list"),
        "when_to_use": FieldRule("text", max_length=WHEN_TO_USE_MAX_LENGTH),
        "licence": FieldRule("text", max_length=_max(Instrument, "licence")),
        "status": FieldRule("text", choices=tuple(Status.values), noun="status"),
        "organisation": FieldRule("text", max_length=_max(Organisation, "name")),
        "links": FieldRule("links"),
    },
    CONCEPTS: {
        "id": FieldRule("text", required=True, max_length=_max(Concept, "slug"), slug=True),
        "term": FieldRule("text", required=True, max_length=_max(Concept, "term")),
        "term_en": FieldRule("text", max_length=_max(Concept, "term_en")),
        "definition": FieldRule("text", required=True),
        "source": FieldRule("text", max_length=_max(Concept, "source")),
        "related": FieldRule("list", unique_items=True),
    },
    COMMUNITIES: {
        "id": FieldRule("text", required=True, max_length=_max(Community, "slug"), slug=True),
        "name": FieldRule("text", required=True, max_length=_max(Community, "name")),
        "level": FieldRule("nullable", choices=tuple(Level.values), noun="level"),
        "sectors": FieldRule("list"),
        "region": FieldRule("nullable", max_length=_max(Community, "region")),
        "challenge": FieldRule("text"),
        "partners": FieldRule("list"),
        "lead": FieldRule("nullable", max_length=_max(Community, "lead")),
        "phase_hint": FieldRule("nullable", choices=PHASES, noun="phase"),
        "lessons": FieldRule("list"),
        "source": FieldRule("text", max_length=_max(Community, "source")),
    },
}
# Which kinds refer to records of their own kind through "related".
RELATED_NOUNS = {INSTRUMENTS: "instrument", CONCEPTS: "concept"}
LINK_TITLE_MAX = _max(InstrumentLink, "title")
LINK_URL_MAX = _max(InstrumentLink, "url")


def required_keys(kind: str) -> tuple[str, ...]:
    return tuple(key for key, rule in RULES[kind].items() if rule.required)


def validate_records(
    kind: str, records: list[SourceRecord], *, file: str, existing_ids: set[str]
) -> list[Problem]:
    """Every problem of the records of one file of ``kind``.

    ``existing_ids`` are the ids of that kind already in the database; together with
    the ids in the file they are what ``related`` may refer to.
    """
    rules = RULES[kind]
    allowed = tuple(rules)
    ids_in_file = {r.data.get("id") for r in records if isinstance(r.data.get("id"), str)}
    known_ids = ids_in_file | set(existing_ids)
    first_seen: dict[str, SourceRecord] = {}
    problems: list[Problem] = []

    for source in records:
        data = source.data
        record_id = data.get("id") if isinstance(data.get("id"), str) and data.get("id") else None

        def report(field: str, message: str, source=source, record_id=record_id) -> None:
            problems.append(
                Problem(
                    file=file,
                    message=message,
                    record=record_id,
                    position=source.position,
                    line=source.line,
                    field=field,
                )
            )

        for key in data:
            if key not in rules:
                hint = close_match_hint(key, allowed)
                report(key, p.UNKNOWN_KEY.format(allowed=", ".join(allowed), hint=hint))
        for key, rule in rules.items():
            if key not in data:
                if rule.required:
                    report(key, p.MISSING)
                continue
            for message in check_value(rule, data[key]):
                report(key, message)

        if record_id is not None:
            if record_id in first_seen:
                first = first_seen[record_id].where
                report("id", p.DUPLICATE_ID.format(value=record_id, first=first))
            else:
                first_seen[record_id] = source

        noun = RELATED_NOUNS.get(kind)
        related = data.get("related")
        if noun and isinstance(related, list):
            for item in related:
                if isinstance(item, str) and item.strip() and item not in known_ids:
                    report("related", p.UNKNOWN_RELATED.format(noun=noun, value=item))
    return problems


def check_value(rule: FieldRule, value) -> list[str]:
    """The messages for one value that breaks ``rule``; empty when it is fine."""
    if rule.shape == "text":
        return _check_text(rule, value)
    if rule.shape == "nullable":
        if value is None:
            return []
        if not isinstance(value, str):
            return [p.NOT_A_STRING_OR_NULL.format(type=json_type_name(value))]
        return _check_text(rule, value)
    if rule.shape == "list":
        return _check_list(rule, value)
    if rule.shape == "links":
        return _check_links(value)
    raise ValueError(f"unknown field shape {rule.shape!r}")


def _check_text(rule: FieldRule, value) -> list[str]:
    if not isinstance(value, str):
        return [p.NOT_A_STRING.format(type=json_type_name(value))]
    if not value.strip():
        return [p.EMPTY] if rule.required else []
    if rule.max_length is not None and len(value) > rule.max_length:
        return [p.TOO_LONG.format(length=len(value), limit=rule.max_length)]
    if rule.slug and not SLUG.match(value):
        return [p.NOT_A_SLUG.format(value=value)]
    if rule.choices is not None and value not in rule.choices:
        return [_not_allowed(rule, value)]
    return []


def _check_list(rule: FieldRule, value) -> list[str]:
    if not isinstance(value, list):
        return [p.NOT_A_LIST_OF_STRINGS.format(type=json_type_name(value))]
    if rule.required and not value:
        return [p.EMPTY]
    messages: list[str] = []
    seen: set[str] = set()
    for index, item in enumerate(value, start=1):
        if not isinstance(item, str):
            messages.append(p.ITEM_NOT_A_STRING.format(index=index, type=json_type_name(item)))
        elif not item.strip():
            messages.append(p.ITEM_EMPTY.format(index=index))
        elif rule.max_length is not None and len(item) > rule.max_length:
            messages.append(
                p.ITEM_TOO_LONG.format(index=index, length=len(item), limit=rule.max_length)
            )
        elif rule.slug and not SLUG.match(item):
            messages.append(p.ITEM_NOT_A_CODE.format(index=index, value=item))
        elif rule.choices is not None and item not in rule.choices:
            messages.append(_not_allowed(rule, item))
        elif rule.unique_items and item in seen:
            messages.append(p.ITEM_TWICE.format(index=index, value=item))
        else:
            seen.add(item)
    return messages


def _check_links(value) -> list[str]:
    if not isinstance(value, list):
        return [p.NOT_A_LINK_LIST.format(type=json_type_name(value))]
    messages: list[str] = []
    for index, link in enumerate(value, start=1):
        if not isinstance(link, dict):
            messages.append(p.LINK_NOT_AN_OBJECT.format(index=index, type=json_type_name(link)))
            continue
        if set(link) != {"url", "title"}:
            messages.append(p.LINK_BAD_KEYS.format(index=index))
            continue
        url, title = link["url"], link["title"]
        if not isinstance(title, str) or not title.strip() or len(title) > LINK_TITLE_MAX:
            messages.append(p.LINK_BAD_TITLE.format(index=index, limit=LINK_TITLE_MAX))
        if not _is_url(url):
            messages.append(p.LINK_BAD_URL.format(index=index, value=url))
    return messages


def _is_url(value) -> bool:
    if not isinstance(value, str) or len(value) > LINK_URL_MAX:
        return False
    try:
        _url_validator(value)
    except ValidationError:
        return False
    return True


def _not_allowed(rule: FieldRule, value: str) -> str:
    return p.NOT_ALLOWED.format(noun=rule.noun, value=value, allowed=", ".join(rule.choices))
