"""Learning communities: the space, its partners, members, invitations and join requests.

Who may see what is decided in ``communities.visibility`` and nowhere else.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from instruments.constants import HelixRole, Phase
from lib.secret_tokens import hash_token, new_token


class Level(models.TextChoices):
    MICRO = "micro", _("Micro")
    MESO = "meso", _("Meso")
    MACRO = "macro", _("Macro")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("Members only")
    CONFIDENTIAL = "confidential", _("Confidential")


class MemberRole(models.TextChoices):
    FACILITATOR = "facilitator", _("Facilitator")
    MEMBER = "member", _("Member")
    OBSERVER = "observer", _("Observer")


# The four design considerations of a Learning community, each a scale between two
# poles (1 = the first pole, 5 = the second). Field name -> (first pole, second pole).
DESIGN_CONSIDERATIONS = {
    "orientation": (_("Internal"), _("External")),
    "knowledge_aim": (_("Knowledge creation"), _("Knowledge sharing")),
    "knowledge_openness": (_("Public knowledge"), _("Confidential knowledge")),
    "climate": (_("Safety"), _("Openness")),
}


def _scale(label):
    return models.PositiveSmallIntegerField(
        label,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )


class Community(models.Model):
    slug = models.SlugField(_("code"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=250)
    challenge = models.TextField(_("challenge"), blank=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, blank=True)
    sectors = models.JSONField(_("sectors"), default=list, blank=True)
    region = models.CharField(_("region"), max_length=200, blank=True)
    partners = models.JSONField(
        _("partners named in the library"),
        default=list,
        blank=True,
        help_text=_("Names from the library; partner organisations with a role are below."),
    )
    lead = models.CharField(_("lead"), max_length=300, blank=True)
    current_phase = models.CharField(
        _("current phase"), max_length=20, choices=Phase.choices, blank=True
    )
    lessons = models.JSONField(_("lessons"), default=list, blank=True)
    source = models.CharField(_("source or citation"), max_length=300, blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=12, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    orientation = _scale(_("internal or external"))
    knowledge_aim = _scale(_("knowledge creation or sharing"))
    knowledge_openness = _scale(_("public or confidential knowledge"))
    climate = _scale(_("safety or openness"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("community")
        verbose_name_plural = _("communities")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("communities:detail", kwargs={"slug": self.slug})

    @property
    def design_considerations(self) -> list[dict]:
        return [
            {"name": name, "left": poles[0], "right": poles[1], "value": getattr(self, name)}
            for name, poles in DESIGN_CONSIDERATIONS.items()
        ]


class Partner(models.Model):
    """A partner organisation of a community, with its role in the (quadruple) helix."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="partner_links")
    organisation = models.ForeignKey(
        "instruments.Organisation", on_delete=models.CASCADE, related_name="partnerships"
    )
    helix_role = models.CharField(_("helix role"), max_length=20, choices=HelixRole.choices)

    class Meta:
        ordering = ["helix_role", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "organisation"], name="unique_community_partner"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_helix_role_display()})"


class Membership(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=12, choices=MemberRole.choices)
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        ordering = ["joined_at"]
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="unique_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.community} ({self.role})"


class Invitation(models.Model):
    """An e-mailed invitation. Only the token's hash is stored; the link works once."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(
        _("role"), max_length=12, choices=MemberRole.choices, default=MemberRole.MEMBER
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} -> {self.community}"

    @staticmethod
    def new_token() -> tuple[str, str]:
        """A fresh token for the link and the hash to store."""
        token = new_token()
        return token, hash_token(token)

    @staticmethod
    def hash_token(token: str) -> str:
        return hash_token(token)


class JoinRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests"
    )
    message = models.TextField(_("message"), blank=True, max_length=2000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "user"],
                condition=models.Q(status="pending"),
                name="one_pending_join_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} -> {self.community} ({self.status})"
