"""A concept as a plain record: the shape of ``concepts.json`` (export, revisions, import)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from knowledge.models import Concept, ConceptRelation

REQUIRED_KEYS = ("id", "term", "term_en", "definition", "source", "related")

FIELD_LABELS = {
    "id": _("code"),
    "term": _("term"),
    "term_en": _("English term"),
    "definition": _("definition"),
    "source": _("source or citation"),
    "related": _("related concepts"),
}


def with_record_relations(queryset: QuerySet[Concept]) -> QuerySet[Concept]:
    return queryset.prefetch_related(
        Prefetch("relation_links", queryset=ConceptRelation.objects.select_related("to_concept"))
    )


def concept_to_record(concept: Concept) -> dict:
    return {
        "id": concept.slug,
        "term": concept.term,
        "term_en": concept.term_en,
        "definition": concept.definition,
        "source": concept.source,
        "related": [link.to_concept.slug for link in concept.relation_links.all()],
    }
