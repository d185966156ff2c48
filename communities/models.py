"""Learning communities as plain records of the demo library.

The social features (memberships, visibility, journals) build on this model; until
then it keeps every field of ``communities.json`` so the library round-trips.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from instruments.constants import Phase


class Level(models.TextChoices):
    MICRO = "micro", _("Micro")
    MESO = "meso", _("Meso")
    MACRO = "macro", _("Macro")


class Community(models.Model):
    slug = models.SlugField(_("code"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=250)
    challenge = models.TextField(_("challenge"), blank=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, blank=True)
    sectors = models.JSONField(_("sectors"), default=list, blank=True)
    region = models.CharField(_("region"), max_length=200, blank=True)
    partners = models.JSONField(_("partners"), default=list, blank=True)
    lead = models.CharField(_("lead"), max_length=300, blank=True)
    current_phase = models.CharField(
        _("current phase"), max_length=20, choices=Phase.choices, blank=True
    )
    lessons = models.JSONField(_("lessons"), default=list, blank=True)
    source = models.CharField(_("source or citation"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("community")
        verbose_name_plural = _("communities")

    def __str__(self) -> str:
        return self.name
