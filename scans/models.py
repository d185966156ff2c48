"""Scans: a questionnaire attached to an instrument, run in rounds within a community.

- A ``Scan`` belongs to an instrument and changes through ``ScanVersion`` rows: a version
  that has answers is never edited again (``services.scan_update`` makes a new one), so
  every answer keeps the exact statements it answered. Items carry a ``key`` that stays
  the same across versions while their text does, which lets rounds of different
  versions be compared item by item.
- A ``Round`` runs one version in one community until ``closes_at`` (or until a
  facilitator closes it). Its results are *released* only once it is closed and at least
  ``min_responses`` members answered (never fewer than ``settings.SCANS_MIN_RESPONSES``,
  itself never below 3). Closing first means nobody can watch the aggregates move as one
  more person answers and so work out that person's answer.
- A ``Response`` holds one member's answers in one round. The respondent is stored only
  so that they can change their answers and the same person cannot answer twice; no page,
  export or API shows whose answers are whose (``selectors`` only ever return aggregates,
  and a person's own answers to that person).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The smallest group whose results are shown; settings can raise it, never lower it.
ABSOLUTE_MIN_RESPONSES = 3


class ItemScale(models.TextChoices):
    AGREEMENT = "agreement", _("Agreement (1–5)")
    BIPOLAR = "bipolar", _("Slider between two poles (1–5)")
    YES_NO = "yes_no", _("Yes or no")
    OPEN = "open", _("Open question")


# The values each scored scale accepts; open questions take text instead.
SCALE_VALUES = {
    ItemScale.AGREEMENT: (1, 2, 3, 4, 5),
    ItemScale.BIPOLAR: (1, 2, 3, 4, 5),
    ItemScale.YES_NO: (0, 1),
}

AGREEMENT_LABELS = (
    _("Strongly disagree"),
    _("Disagree"),
    _("Neutral"),
    _("Agree"),
    _("Strongly agree"),
)


def minimum_group_size() -> int:
    """The platform's smallest group for showing results (at least 3, whatever settings say)."""
    return max(ABSOLUTE_MIN_RESPONSES, int(getattr(settings, "SCANS_MIN_RESPONSES", 3)))


class Scan(models.Model):
    instrument = models.ForeignKey(
        "instruments.Instrument",
        verbose_name=_("instrument"),
        on_delete=models.CASCADE,
        related_name="scans",
    )
    key = models.SlugField(
        _("code"),
        max_length=100,
        help_text=_("Stable within the instrument; the demo library finds its scans by it."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["instrument__title", "pk"]
        verbose_name = _("scan")
        verbose_name_plural = _("scans")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "key"], name="unique_scan_key")
        ]

    def __str__(self) -> str:
        return f"{self.instrument} / {self.key}"

    def get_absolute_url(self) -> str:
        return reverse("scans:detail", kwargs={"pk": self.pk})


class ScanVersion(models.Model):
    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    instructions = models.TextField(_("instructions"), blank=True, max_length=2000)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["scan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["scan", "number"], name="unique_scan_version")
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"


class ScanItem(models.Model):
    version = models.ForeignKey(ScanVersion, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    key = models.SlugField(max_length=100)
    text = models.CharField(_("statement or question"), max_length=300)
    scale = models.CharField(_("scale"), max_length=12, choices=ItemScale.choices)
    left_pole = models.CharField(_("left pole"), max_length=60, blank=True)
    right_pole = models.CharField(_("right pole"), max_length=60, blank=True)

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="unique_scan_item_key"),
            models.UniqueConstraint(fields=["version", "position"], name="unique_item_position"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_open(self) -> bool:
        return self.scale == ItemScale.OPEN

    @property
    def values(self) -> tuple[int, ...]:
        return SCALE_VALUES.get(self.scale, ())


class RoundQuerySet(models.QuerySet):
    def closed(self, now=None) -> RoundQuerySet:
        """Rounds that take no more answers: closed by hand or past their date
        (``Round.is_open`` says the same of one round)."""
        now = now or timezone.now()
        return self.filter(models.Q(closed_at__isnull=False) | models.Q(closes_at__lte=now))


class Round(models.Model):
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="scan_rounds"
    )
    version = models.ForeignKey(ScanVersion, on_delete=models.PROTECT, related_name="rounds")
    code = models.CharField(max_length=12, unique=True)
    title = models.CharField(_("title"), max_length=200)
    closes_at = models.DateTimeField(_("open until"))
    closed_at = models.DateTimeField(null=True, blank=True)
    min_responses = models.PositiveSmallIntegerField(
        _("minimum number of answers"), default=ABSOLUTE_MIN_RESPONSES
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    journal_entry = models.ForeignKey(
        "journal.JournalEntry",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("scan round")
        verbose_name_plural = _("scan rounds")
        indexes = [
            models.Index(fields=["community", "-started_at"], name="round_community_started")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("scans:round", kwargs={"code": self.code})

    @property
    def ended_at(self):
        """When the round stopped taking answers: closed by hand or its date passed."""
        if self.closed_at is not None:
            return min(self.closed_at, self.closes_at)
        return self.closes_at

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.closed_at is None and now < self.closes_at

    @property
    def group_minimum(self) -> int:
        return max(self.min_responses, minimum_group_size())


class Response(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    # SET_NULL: an account deleted with "keep my contributions anonymised" leaves its
    # answers in the aggregates; "delete" removes them first (accounts.personal_data).
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="scan_responses",
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "respondent"], name="one_response_per_round")
        ]

    def __str__(self) -> str:
        return f"response #{self.pk} to {self.round_id}"


class ItemAnswer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(ScanItem, on_delete=models.PROTECT, related_name="answers")
    value = models.SmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True, max_length=2000)
    # An open answer a facilitator took out of the results (abusive, or naming someone);
    # the facilitator never learns whose it was.
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="one_answer_per_item")
        ]

    def __str__(self) -> str:
        return f"answer to item {self.item_id}"
