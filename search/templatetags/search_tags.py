"""Template helpers of the search page: highlighting matched words and type labels."""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from search.facets import TYPE_LABELS
from search.models import DocumentKind
from search.text import TOKEN, word_terms

register = template.Library()


@register.filter
def highlight(text, matched_terms) -> SafeString:
    """``text`` escaped, with every word sharing a stem with ``matched_terms`` (the words
    a result matched the query on) wrapped in ``<mark>``; so "gemeenschappen" marks
    "gemeenschap" too. Everything else is escaped: the text is never trusted as HTML."""
    text = "" if text is None else str(text)
    stems: set[str] = set()
    for word in matched_terms or ():
        stems.update(word_terms(str(word).lower()))
    if not stems:
        return escape(text)
    parts: list[str] = []
    position = 0
    for match in TOKEN.finditer(text):
        word = match.group(0)
        if set(word_terms(word.lower())) & stems:
            parts.append(escape(text[position : match.start()]))
            parts.append(f"<mark>{escape(word)}</mark>")
            position = match.end()
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece escaped above


@register.filter
def type_label(kind: str) -> str:
    """The singular label of a document kind ("instrument", "journal entry", ...)."""
    try:
        return str(DocumentKind(kind).label)
    except ValueError:
        return str(kind)


@register.filter
def types_label(kind: str) -> str:
    """The plural label of a document kind, as in the type filter."""
    return str(TYPE_LABELS.get(kind, kind))
