"""What a concept page tells machines: schema.org JSON-LD and Open Graph.

A concept is a ``DefinedTerm`` in the site's glossary, a ``DefinedTermSet``; the English
term is its ``alternateName``. Concepts are public, so every concept page carries both.
Pure functions from a model to a dict; ``lib.templatetags.linked_data`` renders them.
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext

from knowledge.models import Concept
from lib.markdown import render_markdown

AbsoluteUrl = Callable[[str], str]

SCHEMA_CONTEXT = "https://schema.org"
OG_DESCRIPTION_LENGTH = 200


def _plain_definition(concept: Concept) -> str:
    return " ".join(strip_tags(render_markdown(concept.definition)).split())


def concept_json_ld(concept: Concept, *, absolute_url: AbsoluteUrl) -> dict:
    url = absolute_url(concept.get_absolute_url())
    glossary_url = absolute_url(reverse("knowledge:list"))
    with translation.override("nl"):
        glossary_name = gettext("Samenspel concepts")
    data: dict = {
        "@context": SCHEMA_CONTEXT,
        "@type": "DefinedTerm",
        "@id": url,
        "url": url,
        "identifier": concept.slug,
        "termCode": concept.slug,
        "name": concept.term,
        "description": _plain_definition(concept),
        "inLanguage": "nl",
        "inDefinedTermSet": {
            "@type": "DefinedTermSet",
            "@id": glossary_url,
            "name": glossary_name,
            "url": glossary_url,
        },
        "dateModified": timezone.localtime(concept.updated_at).isoformat(timespec="seconds"),
    }
    if concept.term_en and concept.term_en != concept.term:
        data["alternateName"] = concept.term_en
    return data


def concept_open_graph(concept: Concept, *, absolute_url: AbsoluteUrl) -> dict:
    return {
        "type": "article",
        "title": concept.display_term,
        "description": Truncator(_plain_definition(concept)).chars(OG_DESCRIPTION_LENGTH),
        "url": absolute_url(concept.get_absolute_url()),
        "modified_time": timezone.localtime(concept.updated_at).isoformat(timespec="seconds"),
    }
