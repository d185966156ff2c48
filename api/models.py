"""Personal API tokens: a person's key to the JSON API at ``/api/v1/``.

Only a SHA-256 hash of a token is stored; the plain token is shown once, when it is
created, and cannot be recovered afterwards (a lost token is revoked and replaced).
A revoked token stays in the table, so its owner can see when it was last used.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lib.secret_tokens import new_token as new_secret_token

# "ssp_" marks a Samenspel personal token, so secret scanners and people recognise one.
TOKEN_PREFIX = "ssp_"  # noqa: S105 - a marker, not a secret
DISPLAY_PREFIX_CHARS = 12


def new_token() -> str:
    return new_secret_token(TOKEN_PREFIX)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the token is for, e.g. “My analysis script”.")
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("starts with"), max_length=DISPLAY_PREFIX_CHARS, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
