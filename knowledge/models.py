"""Concepts of the knowledge base (``concepts.json``), with ordered links and revisions."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lib.models import Revision


class Concept(models.Model):
    slug = models.SlugField(_("code"), max_length=100, unique=True)
    term = models.CharField(_("term"), max_length=200)
    term_en = models.CharField(_("English term"), max_length=200, blank=True)
    definition = models.TextField(_("definition"), help_text=_("Markdown."))
    source = models.CharField(_("source or citation"), max_length=300, blank=True)
    related = models.ManyToManyField(
        "self",
        through="ConceptRelation",
        symmetrical=False,
        related_name="related_from",
        blank=True,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["term"]
        verbose_name = _("concept")
        verbose_name_plural = _("concepts")

    def __str__(self) -> str:
        return self.term

    def get_absolute_url(self) -> str:
        return reverse("knowledge:detail", kwargs={"slug": self.slug})

    @property
    def display_term(self) -> str:
        return self.term_en if get_language() == "en" and self.term_en else self.term


class ConceptRelation(models.Model):
    from_concept = models.ForeignKey(
        Concept, on_delete=models.CASCADE, related_name="relation_links"
    )
    to_concept = models.ForeignKey(
        Concept, on_delete=models.CASCADE, related_name="reverse_relation_links"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_concept", "to_concept"], name="unique_concept_relation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_concept_id}->{self.to_concept_id}"


class ConceptRevision(Revision):
    concept = models.ForeignKey(Concept, on_delete=models.CASCADE, related_name="revisions")

    class Meta(Revision.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["concept", "number"], name="unique_concept_revision_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.concept_id} #{self.number}"
