"""Abstract models shared by several apps."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Revision(models.Model):
    """A snapshot of an object's record after an edit, numbered from 1 per object.

    Subclasses add the foreign key to their object (related_name ``revisions``) and a
    unique constraint on (object, number). ``lib.revisions.store_revision`` writes them.
    """

    number = models.PositiveIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-number"]


def exactly_one_set(fields: tuple[str, ...]) -> Q:
    """A check-constraint condition: one of the nullable foreign keys ``fields`` is set and
    the others are empty (for rows that point at exactly one of several kinds of target)."""
    condition = Q()
    for chosen in fields:
        condition |= Q(**{f"{name}__isnull": name != chosen for name in fields})
    return condition
