"""Writes to the knowledge base. Concepts are a wiki: any signed-in person may improve
one, and every change is kept as a revision so it can be compared and traced.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from knowledge.models import Concept, ConceptRelation
from knowledge.records import concept_to_record, with_record_relations
from lib.revisions import store_revision

MESSAGE_SIGN_IN = gettext_noop("Sign in to edit the knowledge base.")
SCALAR_FIELDS = ["term", "term_en", "definition", "source"]


def check_concept_edit_permission(user) -> None:
    if not user.is_authenticated:
        raise PermissionDenied(_(MESSAGE_SIGN_IN))


def concept_set_related(*, concept: Concept, slugs: list[str]) -> None:
    targets = {c.slug: c for c in Concept.objects.filter(slug__in=slugs)}
    missing = [slug for slug in slugs if slug not in targets]
    if missing:
        raise ValueError(f"unknown related concepts: {', '.join(missing)}")
    ConceptRelation.objects.filter(from_concept=concept).delete()
    ConceptRelation.objects.bulk_create(
        ConceptRelation(from_concept=concept, to_concept=targets[slug], position=i)
        for i, slug in enumerate(slugs)
    )


def concept_record_revision(*, concept: Concept, author=None, note: str = "") -> bool:
    """Store a revision if the concept's record differs from its latest revision."""
    fresh = with_record_relations(Concept.objects.filter(pk=concept.pk)).get()
    return store_revision(
        concept.revisions, data=concept_to_record(fresh), author=author, note=note
    )


@transaction.atomic
def concept_save_record(
    *, record: dict, author=None, note: str = "", set_related: bool = True
) -> Concept:
    """Create or update the concept ``record["id"]``; the record must be valid already."""
    concept = Concept.objects.filter(slug=record["id"]).first() or Concept(slug=record["id"])
    concept.term = record["term"]
    concept.term_en = record.get("term_en", "")
    concept.definition = record["definition"]
    concept.source = record.get("source", "")
    concept.full_clean()
    if concept.pk:
        concept.save(update_fields=[*SCALAR_FIELDS, "updated_at"])
    else:
        concept.save()
    if set_related:
        concept_set_related(concept=concept, slugs=list(record.get("related", [])))
        concept_record_revision(concept=concept, author=author, note=note)
    return concept


@transaction.atomic
def concept_update(*, user, concept: Concept, record: dict, note: str = "") -> Concept:
    check_concept_edit_permission(user)
    return concept_save_record(record={**record, "id": concept.slug}, author=user, note=note)
