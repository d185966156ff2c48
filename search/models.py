"""The search index: one document per searchable item, cut into chunks with embeddings.

The index is derived data: ``python manage.py rebuild_search_index`` recreates it from
the content, and saving content keeps it up to date (see ``search.signals``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from search.fields import EmbeddingField


class DocumentKind(models.TextChoices):
    INSTRUMENT = "instrument", _("instrument")
    EXPERIENCE = "experience", _("experience")
    COMMUNITY = "community", _("community")
    JOURNAL_ENTRY = "journal_entry", _("journal entry")
    QUESTION = "question", _("question")
    CONCEPT = "concept", _("concept")


class SearchDocument(models.Model):
    """What the index knows of one item; visibility is decided at query time from these fields.

    ``community`` is the community whose content this is (experiences, journal entries);
    such documents are shown only to readers of that community. Documents without one are
    public, except instruments (checked against ``Instrument.objects.visible_to``) and
    communities (checked against ``listed_communities``).
    """

    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    object_id = models.PositiveBigIntegerField()
    key = models.CharField(max_length=100, help_text="Slug, or the id as text.")
    title = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    text = models.TextField(blank=True)
    community = models.ForeignKey(
        "communities.Community",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    is_public_text = models.BooleanField(
        default=True,
        help_text="True when every word in the text is readable by anyone.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="unique_search_document")
        ]
        indexes = [models.Index(fields=["kind", "key"])]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"


class SearchChunk(models.Model):
    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="chunks")
    position = models.PositiveIntegerField()
    text = models.TextField()
    is_linked = models.BooleanField(
        default=False, help_text="Text from linked public content, not the item's own."
    )
    embedding = EmbeddingField(help_text="float32 vector, little-endian bytes.")

    class Meta:
        ordering = ["document", "position"]
        constraints = [
            models.UniqueConstraint(fields=["document", "position"], name="unique_search_chunk")
        ]

    def __str__(self) -> str:
        return f"{self.document_id}#{self.position}"


class SearchIndexState(models.Model):
    """One row whose ``version`` goes up on every index change, so each process knows
    when to rebuild its in-memory matrices."""

    version = models.PositiveBigIntegerField(default=0)
    token = models.CharField(
        max_length=32, blank=True, help_text="Random on every change: versions can repeat."
    )

    def __str__(self) -> str:
        return f"search index v{self.version}"
