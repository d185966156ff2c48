"""Template filters shared by every app."""

from __future__ import annotations

from django import template
from django.http import QueryDict

from lib.markdown import is_trusted_author, render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str):
    return render_markdown(text)


@register.filter(name="markdown_by")
def markdown_by_filter(text: str, author):
    """Markdown of a post by ``author``: ``{{ comment.body|markdown_by:comment.author }}``.
    Links in posts of accounts that are not yet trusted get ``rel="nofollow ugc"``. Reads
    only the author's ``trusted_at``, so a page that selects the author adds no query."""
    return render_markdown(text, trusted=is_trusted_author(author))


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (``None`` removes one).

    Keeps facet links and paging shareable: every state of a list page is its URL.
    """
    params: QueryDict = context["request"].GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value not in (None, ""):
            params[key] = value
    params.pop("page", None) if "page" not in changes else None
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def query_toggle(context, key: str, value: str) -> str:
    """The current query string with ``value`` added to or removed from list parameter ``key``."""
    params: QueryDict = context["request"].GET.copy()
    values = params.getlist(key)
    if value in values:
        values.remove(value)
    else:
        values.append(value)
    params.setlist(key, values)
    params.pop("page", None)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


# Template-only helpers for the page layout (language switch, phase walk-through, footer).


@register.simple_tag(takes_context=True)
def alternate_url(context, lang: str) -> str:
    """The current page's address in language ``lang`` (for hreflang links and the switch)."""
    from django.urls import translate_url

    request = context.get("request")
    if request is None:
        return ""
    return translate_url(request.get_full_path(), lang)


@register.simple_tag
def phase_nav(current=None) -> dict:
    """The four phases in order, which one is ``current``, and its neighbours."""
    from instruments.constants import Phase

    phases = list(Phase)
    current = Phase(current) if current else None
    index = phases.index(current) if current else None
    return {
        "steps": [
            {"phase": phase, "number": n, "is_current": phase == current}
            for n, phase in enumerate(phases, start=1)
        ],
        "number": index + 1 if index is not None else None,
        "previous": phases[index - 1] if index else None,
        "next": phases[index + 1] if index is not None and index + 1 < len(phases) else None,
    }


@register.filter
def phase_label(value: str) -> str:
    """The translated label of a phase value such as ``"starten"``."""
    from instruments.constants import Phase

    try:
        return Phase(value).label
    except ValueError:
        return value


@register.simple_tag
def source_code_url() -> str:
    """Where the source code lives (``SOURCE_CODE_URL`` setting), or an empty string."""
    from django.conf import settings

    return getattr(settings, "SOURCE_CODE_URL", "")


@register.filter
def record_value(value, name: str = "") -> str:
    """One value of a revision record as text: links as "title (url)", lists joined."""
    if isinstance(value, list):
        return ", ".join(record_value(item, name) for item in value)
    if isinstance(value, dict):
        title, url = value.get("title", ""), value.get("url", "")
        return f"{title} ({url})" if title and url else str(title or url or value)
    if value is None:
        return ""
    if name == "phases":
        return str(phase_label(value))
    return str(value)


@register.filter
def letter_groups(items, attribute: str = "display_term") -> list[dict]:
    """Items sorted by ``attribute`` (ignoring case and accents), grouped by first letter.

    Each group is ``{"letter": "A", "anchor": "a", "items": [...]}``; anything not starting
    with a letter goes under "#".
    """
    import unicodedata

    def key(item) -> str:
        text = unicodedata.normalize("NFKD", str(getattr(item, attribute, item)))
        return "".join(c for c in text if not unicodedata.combining(c)).casefold()

    groups: list[dict] = []
    for item in sorted(items, key=key):
        first = key(item)[:1].upper()
        letter = first if first.isalpha() else "#"
        if not groups or groups[-1]["letter"] != letter:
            anchor = letter.lower() if letter != "#" else "other"
            groups.append({"letter": letter, "anchor": anchor, "items": []})
        groups[-1]["items"].append(item)
    return groups
