"""A scan's items as lines of text, the way providers write and edit them.

One item per line; a tag in square brackets in front says its scale::

    [eens] We delen een doel dat we samen beter bereiken dan ieder apart.
    [schuif Intern | Extern] Waar ligt de nadruk van onze samenwerking?
    [ja/nee] Hebben we dit halfjaar resultaten buiten de community gedeeld?
    [open] Wat moet er eerst gebeuren?

A line without a tag is an agreement statement. English tags work too ([agree],
[slider Left | Right], [yes/no], [open]). Parsing reports every faulty line at once,
by number, so nothing the provider typed is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from scans.models import ItemScale

MAX_ITEMS = 40
MAX_TEXT = 300
MAX_POLE = 60

_TAG = re.compile(r"^\[(?P<tag>[^\]]*)\]\s*(?P<text>.*)$")
_SIMPLE_TAGS = {
    "eens": ItemScale.AGREEMENT,
    "agree": ItemScale.AGREEMENT,
    "stelling": ItemScale.AGREEMENT,
    "ja/nee": ItemScale.YES_NO,
    "yes/no": ItemScale.YES_NO,
    "open": ItemScale.OPEN,
}
_SLIDER_TAGS = ("schuif", "slider")


@dataclass(frozen=True)
class ItemSpec:
    text: str
    scale: str
    left_pole: str = ""
    right_pole: str = ""
    key: str = ""


def _parse_tag(tag: str, number: int) -> tuple[str, str, str]:
    tag = " ".join(tag.split())
    lowered = tag.lower()
    if lowered in _SIMPLE_TAGS:
        return _SIMPLE_TAGS[lowered], "", ""
    word, _space, poles = tag.partition(" ")
    if word.lower() in _SLIDER_TAGS:
        left, bar, right = (part.strip() for part in poles.partition("|"))
        if not bar or not left or not right:
            raise ValueError(
                _("line %(n)d: a slider needs two poles, like [schuif Intern | Extern].")
                % {"n": number}
            )
        if len(left) > MAX_POLE or len(right) > MAX_POLE:
            raise ValueError(
                _("line %(n)d: a pole has at most %(max)d characters.")
                % {"n": number, "max": MAX_POLE}
            )
        return ItemScale.BIPOLAR, left, right
    raise ValueError(
        _("line %(n)d: unknown tag [%(tag)s]; use [eens], [schuif A | B], [ja/nee] or [open].")
        % {"n": number, "tag": tag}
    )


def parse_items(text: str) -> list[ItemSpec]:
    """The items in ``text``; ValidationError listing every faulty line."""
    items: list[ItemSpec] = []
    errors: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        scale, left, right, statement = ItemScale.AGREEMENT, "", "", line
        match = _TAG.match(line)
        if match:
            statement = match["text"].strip()
            try:
                scale, left, right = _parse_tag(match["tag"], number)
            except ValueError as error:
                errors.append(str(error))
                continue
        if not statement:
            errors.append(_("line %(n)d: the statement or question is missing.") % {"n": number})
        elif len(statement) > MAX_TEXT:
            errors.append(
                _("line %(n)d: at most %(max)d characters.") % {"n": number, "max": MAX_TEXT}
            )
        else:
            items.append(ItemSpec(text=statement, scale=scale, left_pole=left, right_pole=right))
    if not errors and not any(item.scale != ItemScale.OPEN for item in items):
        errors.append(_("A scan needs at least one statement or question that is scored."))
    if len(items) > MAX_ITEMS:
        errors.append(_("A scan has at most %(max)d items.") % {"max": MAX_ITEMS})
    if errors:
        raise ValidationError(errors)
    return items


def format_items(items) -> str:
    """The lines ``parse_items`` reads back into the same items (for the edit form)."""
    lines = []
    for item in items:
        if item.scale == ItemScale.BIPOLAR:
            lines.append(f"[schuif {item.left_pole} | {item.right_pole}] {item.text}")
        elif item.scale == ItemScale.YES_NO:
            lines.append(f"[ja/nee] {item.text}")
        elif item.scale == ItemScale.OPEN:
            lines.append(f"[open] {item.text}")
        else:
            lines.append(f"[eens] {item.text}")
    return "\n".join(lines)


def assign_keys(items: list[ItemSpec], previous=()) -> list[ItemSpec]:
    """Give each item a key: an item whose text and scale equal one in ``previous`` keeps
    that item's key (so rounds of both versions compare); others get one from their text.

    Kept keys are claimed first, so a new item whose text slugifies to the same key (say
    "Samen leren?" next to an unchanged "Samen leren") cannot take it from the unchanged
    one; identical lines keep their keys in order."""
    kept: dict[tuple[str, str], list[str]] = {}
    for item in previous:
        kept.setdefault((item.text, item.scale), []).append(item.key)
    wanted = []
    for item in items:
        same = kept.get((item.text, item.scale))
        wanted.append(item.key or (same.pop(0) if same else ""))
    used: set[str] = set()
    keys: list[str] = [""] * len(items)
    # First the kept (and given) keys, then keys made from the text of new items.
    order = sorted(range(len(items)), key=lambda i: not wanted[i])
    for i in order:
        key = wanted[i] or slugify(items[i].text)[:50] or "item"
        base, n = key, 2
        while key in used:
            key = f"{base[:46]}-{n}"
            n += 1
        used.add(key)
        keys[i] = key
    return [
        ItemSpec(
            text=item.text,
            scale=item.scale,
            left_pole=item.left_pole,
            right_pole=item.right_pole,
            key=key,
        )
        for item, key in zip(items, keys, strict=True)
    ]
