"""Writes of the harvest app: the tombstones of records that left the public library."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from harvest.models import DeletedRecord


@transaction.atomic
def deleted_record_mark(*, kind: str, slug: str, set_specs: list[str]) -> DeletedRecord:
    """Record that ``kind:slug`` left the public library now, in the sets it was in.

    A record that leaves twice keeps one tombstone, with the latest moment, so an
    incremental harvest after the second departure still hears about it.
    """
    record, _created = DeletedRecord.objects.update_or_create(
        kind=kind,
        slug=slug,
        defaults={
            "deleted_at": timezone.now(),
            "set_specs": f" {' '.join(set_specs)} " if set_specs else " ",
        },
    )
    return record


def deleted_record_clear(*, kind: str, slug: str) -> None:
    """The record is public again: it is harvested as live, never also as deleted."""
    DeletedRecord.objects.filter(kind=kind, slug=slug).delete()
