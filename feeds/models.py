"""Personal feed tokens and saved searches.

A feed reader or calendar app cannot sign in, so a member's feed of a closed community
carries a personal token in its URL (``?token=…``). Like an API key, only the token's
SHA-256 hash is stored: the plain token (and the URLs that contain it) is shown once,
when it is created or rotated. One token per person: rotating replaces it (every old
URL stops working), revoking removes it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lib.secret_tokens import new_token as new_secret_token

# "ssf_" marks a Samenspel feed token, so secret scanners and people recognise one.
TOKEN_PREFIX = "ssf_"  # noqa: S105 - a marker, not a secret
DISPLAY_PREFIX_CHARS = 10


def new_token() -> str:
    return new_secret_token(TOKEN_PREFIX)


class FeedToken(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_token"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("starts with"), max_length=DISPLAY_PREFIX_CHARS, editable=False)
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("feed token")
        verbose_name_plural = _("feed tokens")

    def __str__(self) -> str:
        return f"{self.user} ({self.prefix}…)"


class SavedSearch(models.Model):
    """A search someone wants to follow: its page and its Atom feed (``/zoeken/feed/``).

    ``query_string`` holds the search's parameters (``q`` and its filters) as the search
    page writes them, so the page and feed URLs are rebuilt from it unchanged.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(_("name"), max_length=100)
    query_string = models.CharField(_("search"), max_length=2000)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "query_string"], name="unique_saved_search_per_user"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def page_url(self) -> str:
        return f"{reverse('search:search')}?{self.query_string}"

    @property
    def feed_url(self) -> str:
        return f"{reverse('search:feed')}?{self.query_string}"
