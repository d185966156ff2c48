"""The instrument library's data.

Multi-valued fields whose order the authors chose (sectors, audience, related
instruments) are stored through small link tables with a ``position``, so the
library exports exactly as it was imported. Writes go through ``services``; reads
that must respect drafts go through ``selectors``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from instruments.constants import PHASE_ORDER, HelixRole, Kind, Phase, Status
from lib.models import Revision
from moderation.models import Moderated, ModeratedManager


class Sector(models.Model):
    slug = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name


class Audience(models.Model):
    """A group an instrument is written for (facilitator, steering group, teacher, ...)."""

    slug = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120, unique=True)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name


class Organisation(models.Model):
    slug = models.SlugField(_("code"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=200)
    website = models.URLField(_("website"), blank=True)
    helix_role = models.CharField(
        _("helix role"), max_length=20, choices=HelixRole.choices, blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class InstrumentQuerySet(models.QuerySet):
    def published(self) -> InstrumentQuerySet:
        return self.filter(status=Status.PUBLISHED)

    def visible_to(self, user) -> InstrumentQuerySet:
        """Published instruments, plus a provider's own drafts, plus everything for staff.

        This is the one rule for reading instruments; every page and list uses it.
        """
        if user is not None and user.is_authenticated:
            if user.is_staff:
                return self.all()
            return self.filter(Q(status=Status.PUBLISHED) | Q(owner=user))
        return self.published()


class Instrument(Moderated):
    slug = models.SlugField(
        _("code"), max_length=100, unique=True, help_text=_("Stable forever; part of the URL.")
    )
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), max_length=1000)
    body = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    when_to_use = models.TextField(
        _("when to use"),
        blank=True,
        help_text=_(
            "The situations and signals the instrument helps with, in a facilitator's own "
            "words: symptoms, not solutions."
        ),
    )
    steps = models.JSONField(_("steps"), default=list, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("provider organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="instruments",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("provider"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="instruments",
    )
    licence = models.CharField(_("licence"), max_length=120, blank=True)
    source = models.CharField(_("source or citation"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    sectors = models.ManyToManyField(
        Sector, through="InstrumentSector", related_name="instruments", blank=True
    )
    audiences = models.ManyToManyField(
        Audience, through="InstrumentAudience", related_name="instruments", blank=True
    )
    related = models.ManyToManyField(
        "self",
        through="InstrumentRelation",
        symmetrical=False,
        related_name="related_from",
        blank=True,
    )
    concepts = models.ManyToManyField(
        "knowledge.Concept",
        related_name="instruments",
        blank=True,
        help_text=_("Concepts the instrument's text refers to; derived when it is saved."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ModeratedManager.from_queryset(InstrumentQuerySet)()
    all_objects = InstrumentQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        # The visibility rule (moderation state, status) leads both: the list's filters and
        # counts read only the index, not the wide rows, and its page walks the titles in
        # order instead of sorting every match (instruments.counts caches the rest).
        indexes = [
            models.Index(
                fields=["moderation_state", "status", "kind"], name="instrument_visible_kind"
            ),
            models.Index(
                fields=["moderation_state", "status", "title", "id"],
                name="instrument_visible_title",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("instruments:detail", kwargs={"slug": self.slug})

    @property
    def display_title(self) -> str:
        return self.title_en if get_language() == "en" and self.title_en else self.title

    @property
    def phase_values(self) -> list[str]:
        """Phases in their natural order; uses prefetched ``phase_links`` when present."""
        values = {link.phase for link in self.phase_links.all()}
        return [phase for phase in PHASE_ORDER if phase in values]

    @property
    def phase_labels(self) -> list[str]:
        return [Phase(value).label for value in self.phase_values]


class InstrumentPhase(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="phase_links")
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["instrument", "phase"], name="unique_instrument_phase")
        ]
        indexes = [models.Index(fields=["phase", "instrument"])]

    def __str__(self) -> str:
        return f"{self.instrument_id}:{self.phase}"


class InstrumentSector(models.Model):
    instrument = models.ForeignKey(
        Instrument, on_delete=models.CASCADE, related_name="sector_links"
    )
    sector = models.ForeignKey(Sector, on_delete=models.CASCADE, related_name="instrument_links")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "sector"], name="unique_instrument_sector"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id}:{self.sector_id}"


class InstrumentAudience(models.Model):
    instrument = models.ForeignKey(
        Instrument, on_delete=models.CASCADE, related_name="audience_links"
    )
    audience = models.ForeignKey(
        Audience, on_delete=models.CASCADE, related_name="instrument_links"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "audience"], name="unique_instrument_audience"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id}:{self.audience_id}"


class InstrumentRelation(models.Model):
    from_instrument = models.ForeignKey(
        Instrument, on_delete=models.CASCADE, related_name="relation_links"
    )
    to_instrument = models.ForeignKey(
        Instrument, on_delete=models.CASCADE, related_name="reverse_relation_links"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_instrument", "to_instrument"], name="unique_instrument_relation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_instrument_id}->{self.to_instrument_id}"


class InstrumentLink(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="links")
    url = models.URLField(_("web address"), max_length=500)
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("link")
        verbose_name_plural = _("links")

    def __str__(self) -> str:
        return self.title


class InstrumentAttachment(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="attachments/instruments/%Y/")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.title


class InstrumentRevision(Revision):
    """A snapshot of an instrument's record after an edit; numbered from 1 per instrument."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="revisions")

    class Meta(Revision.Meta):
        constraints = [
            models.UniqueConstraint(fields=["instrument", "number"], name="unique_revision_number")
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id} #{self.number}"


class CatalogueVersion(models.Model):
    """One row whose token changes with every write to the catalogue (``instruments.counts``).

    In the database rather than the cache so that it changes in the writer's transaction:
    a reader sees the new token exactly when it sees the new data, and a rollback restores
    the old one.
    """

    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.token
