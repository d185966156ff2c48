from __future__ import annotations

from html.parser import HTMLParser

import pytest

from lib.markdown import render_markdown


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[klik](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        "<iframe src='https://evil.example'></iframe>",
        '<svg onload="alert(1)">',
    ],
)
def test_markdown_renders_hostile_input_harmless(payload):
    tags = _tags(render_markdown(payload))

    assert {name for name, _attrs in tags} <= {"p", "a"}
    for _name, attrs in tags:
        assert not any(key.startswith("on") for key, _value in attrs)
        assert not any((value or "").startswith("javascript:") for _key, value in attrs)


def test_markdown_keeps_formatting_and_demotes_headings():
    html = render_markdown("# Titel\n\n**vet** en *schuin*\n\n- een\n- twee")

    assert "<h2>Titel</h2>" in html
    assert "<strong>vet</strong>" in html
    assert "<li>een</li>" in html


def test_markdown_links_get_nofollow():
    html = render_markdown("[site](https://example.org)")

    assert 'href="https://example.org"' in html
    assert 'rel="nofollow noopener"' in html


def _tags(html: str) -> list[tuple[str, list]]:
    """The real elements in ``html`` (escaped text such as ``&lt;img`` is not an element)."""
    found: list[tuple[str, list]] = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collector().feed(html)
    return found
