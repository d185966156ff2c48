"""Reads of the knowledge base. Concepts are public: they carry no member content."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from instruments.models import Instrument
from knowledge.models import Concept, ConceptRelation
from knowledge.records import concept_to_record, with_record_relations


def concept_list() -> QuerySet[Concept]:
    return Concept.objects.order_by("term")


def get_concept(*, user, slug: str) -> Concept:
    """The concept with its related concepts and the instruments (visible to ``user``) using it."""
    concept = (
        Concept.objects.prefetch_related(
            Prefetch(
                "relation_links",
                queryset=ConceptRelation.objects.select_related("to_concept"),
            ),
            Prefetch(
                "instruments",
                queryset=Instrument.objects.visible_to(user).order_by("title"),
                to_attr="visible_instruments",
            ),
        )
        .filter(slug=slug)
        .first()
    )
    if concept is None:
        raise Http404
    return concept


def concept_record(concept: Concept) -> dict:
    return concept_to_record(with_record_relations(Concept.objects.filter(pk=concept.pk)).get())
