"""Markdown to safe HTML: markdown-it-py renders, nh3 (ammonia) sanitises.

Raw HTML in the source is disabled at the parser and anything that still slips
through is removed by nh3's allow-list, so user text can never inject markup,
scripts or event handlers. Links get ``rel="nofollow noopener"``; in posts of accounts that
are not yet trusted (see ``moderation.services``) also ``ugc``, so a spammer's first posts
lend their links no weight.
"""

from __future__ import annotations

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_parser.enable(["table", "strikethrough"])

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol", "li",
    "h2", "h3", "h4", "h5", "h6", "a", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener"
LINK_REL_UNTRUSTED = "nofollow ugc noopener"


def is_trusted_author(author) -> bool:
    """Links of a trusted account keep the plain rel; a new account's (``trusted_at`` not
    set) and those of a deleted account (``None``) are marked user-generated."""
    return author is not None and getattr(author, "trusted_at", None) is not None


def render_markdown(text: str, *, trusted: bool = True) -> SafeString:
    """Render user Markdown into HTML that is safe to put in a page unescaped.

    ``trusted=False`` (a post by an account that is not yet trusted) adds ``ugc`` to
    the links' rel."""
    html = _parser.render(text or "")
    # Headings start at h2: the page's own title is the only h1.
    for level in range(5, 0, -1):
        html = html.replace(f"<h{level}>", f"<h{level + 1}>").replace(
            f"</h{level}>", f"</h{level + 1}>"
        )
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL if trusted else LINK_REL_UNTRUSTED,
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 on the line above
