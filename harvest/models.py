"""What the OAI-PMH data provider must remember on its own: records that are gone.

Published instruments are read straight from the library. A record that left the
public library (deleted, or taken back to draft) is no longer there to read, yet the
protocol promises harvesters (``deletedRecord: persistent``) that they will be told,
so a tombstone keeps its identifier, the moment it left and the sets it was in.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordKind(models.TextChoices):
    INSTRUMENT = "instrument", _("Instrument")


class DeletedRecord(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=RecordKind.choices)
    slug = models.SlugField(_("code"), max_length=100)
    deleted_at = models.DateTimeField(_("deleted"))
    # Space-delimited with a space at both ends (" phase:starten sector:energie "), so a
    # set-selective harvest can filter with one portable ``contains`` on any database.
    set_specs = models.TextField(_("sets"), blank=True, default=" ")

    class Meta:
        ordering = ["deleted_at", "slug"]
        verbose_name = _("deleted record")
        verbose_name_plural = _("deleted records")
        constraints = [
            models.UniqueConstraint(fields=["kind", "slug"], name="unique_deleted_record")
        ]
        indexes = [models.Index(fields=["deleted_at", "slug"])]

    def __str__(self) -> str:
        return f"{self.kind}:{self.slug}"

    @property
    def set_spec_list(self) -> list[str]:
        return self.set_specs.split()
