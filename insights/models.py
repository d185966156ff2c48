"""What provider insights store: one counter row per instrument and day.

Only counts are kept: no visitor, session, IP address or user agent, so nothing personal
is stored and no cookie is needed. A day is the site's local date (``TIME_ZONE``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class InstrumentViewDay(models.Model):
    """How many people (not bots, not the provider) opened an instrument's page on a day.

    Incremented with one UPSERT per counted view (``insights.services``); the unique
    constraint is what that UPSERT conflicts on, and its index serves every read.
    """

    instrument = models.ForeignKey(
        "instruments.Instrument",
        verbose_name=_("instrument"),
        on_delete=models.CASCADE,
        related_name="view_days",
    )
    day = models.DateField(_("day"))
    views = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        # Named here because ``services.UPSERT_SQL`` names it.
        db_table = "insights_instrumentviewday"
        ordering = ["instrument", "day"]
        verbose_name = _("instrument views on a day")
        verbose_name_plural = _("instrument views per day")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "day"], name="unique_instrument_view_day")
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id} {self.day}: {self.views}"
