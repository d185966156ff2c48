"""The person who signs in. E-mail is the login (allauth); the profile lives on the user."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from moderation.constants import ModerationState


class Role(models.TextChoices):
    FACILITATOR = "facilitator", _("Facilitator")
    PROVIDER = "provider", _("Instrument provider")
    PARTICIPANT = "participant", _("Participant")


class EmailUserManager(UserManager):
    """Creates users without a username: allauth logs in by e-mail address."""

    def _create_user(self, username, email, password, **extra_fields):
        email = self.normalize_email(email)
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(None, email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(None, email, password, **extra_fields)


class User(AbstractUser):
    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    organisation = models.ForeignKey(
        "instruments.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    is_facilitator = models.BooleanField(_("facilitator"), default=False)
    is_provider = models.BooleanField(_("instrument provider"), default=False)
    is_participant = models.BooleanField(_("participant"), default=False)
    is_moderator = models.BooleanField(
        _("moderator"),
        default=False,
        help_text=_("Handles reports and held contributions; needs two-factor sign-in."),
    )
    # Moderation and trust (see the moderation app): what others may see of the profile,
    # whether the account may post, and how much its reports weigh.
    moderation_state = models.CharField(
        _("profile moderation"),
        max_length=10,
        choices=ModerationState.choices,
        default=ModerationState.VISIBLE,
    )
    suspended_until = models.DateTimeField(_("suspended until"), null=True, blank=True)
    trusted_at = models.DateTimeField(
        _("trusted since"),
        null=True,
        blank=True,
        help_text=_("Set when the first contributions passed review; until then they are held."),
    )
    reports_upheld = models.PositiveIntegerField(_("reports upheld"), default=0)
    reports_dismissed = models.PositiveIntegerField(_("reports dismissed"), default=0)
    code_of_conduct_accepted_at = models.DateTimeField(
        _("code of conduct accepted"), null=True, blank=True
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = EmailUserManager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name or self.email.split("@")[0]

    @property
    def can_moderate_platform(self) -> bool:
        """Platform moderators and staff handle reports on public content."""
        return self.is_active and (self.is_moderator or self.is_staff)

    @property
    def roles(self) -> list[str]:
        flags = {
            Role.FACILITATOR: self.is_facilitator,
            Role.PROVIDER: self.is_provider,
            Role.PARTICIPANT: self.is_participant,
        }
        return [role.value for role, on in flags.items() if on]

    @property
    def role_labels(self) -> list[str]:
        return [Role(value).label for value in self.roles]
