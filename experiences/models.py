"""An experience records *instrument x context x outcome*: what happened when someone used
an instrument, in which community, sector, level, phase and mix of partners.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from communities.models import Level
from communities.visibility import content_filter, public_content_filter
from instruments.constants import Phase
from moderation.models import Moderated, ModeratedManager


class ExperienceQuerySet(models.QuerySet):
    def visible_to(self, user) -> ExperienceQuerySet:
        return self.filter(content_filter(user))

    def public(self) -> ExperienceQuerySet:
        return self.filter(public_content_filter())


class Experience(Moderated):
    instrument = models.ForeignKey(
        "instruments.Instrument",
        verbose_name=_("instrument"),
        on_delete=models.CASCADE,
        related_name="experiences",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="experiences",
    )
    community = models.ForeignKey(
        "communities.Community",
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="experiences",
    )
    sector = models.ForeignKey(
        "instruments.Sector",
        verbose_name=_("sector"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="experiences",
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, blank=True)
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices, blank=True)
    group_size = models.PositiveIntegerField(
        _("group size"), null=True, blank=True, validators=[MaxValueValidator(10000)]
    )
    with_business = models.BooleanField(_("business"), default=False)
    with_education = models.BooleanField(_("education"), default=False)
    with_government = models.BooleanField(_("government"), default=False)
    with_citizens = models.BooleanField(_("citizens"), default=False)
    what_was_done = models.TextField(_("what was done"), max_length=5000)
    what_worked = models.TextField(_("what worked"), blank=True, max_length=5000)
    what_did_not = models.TextField(_("what did not work"), blank=True, max_length=5000)
    adaptation = models.TextField(_("how the instrument was adapted"), blank=True, max_length=5000)
    rating = models.PositiveSmallIntegerField(
        _("usefulness"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    would_recommend = models.BooleanField(_("would recommend it"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ModeratedManager.from_queryset(ExperienceQuerySet)()
    all_objects = ExperienceQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("experience")
        verbose_name_plural = _("experiences")

    def __str__(self) -> str:
        return f"{self.instrument} ({self.created_at:%Y-%m-%d})" if self.created_at else "-"

    def get_absolute_url(self) -> str:
        return reverse("experiences:detail", kwargs={"experience_id": self.pk})
