"""Writes to communities. For now a community is a plain record of the library, so the
only write is saving such a record; memberships and journals will add their own.
"""

from __future__ import annotations

from django.db import transaction

from communities.models import Community

SCALAR_FIELDS = [
    "name", "challenge", "level", "sectors", "region", "partners", "lead",
    "current_phase", "lessons", "source",
]  # fmt: skip


@transaction.atomic
def community_save_record(*, record: dict) -> Community:
    """Create or update the community ``record["id"]`` from a record of ``communities.json``.

    The record must be valid already (see ``library.validation``); ``None`` and a
    missing key both mean "not known" and are stored blank.
    """
    community = Community.objects.filter(slug=record["id"]).first() or Community(slug=record["id"])
    community.name = record["name"]
    community.challenge = record.get("challenge") or ""
    community.level = record.get("level") or ""
    community.sectors = list(record.get("sectors") or [])
    community.region = record.get("region") or ""
    community.partners = list(record.get("partners") or [])
    community.lead = record.get("lead") or ""
    community.current_phase = record.get("phase_hint") or ""
    community.lessons = list(record.get("lessons") or [])
    community.source = record.get("source") or ""
    community.full_clean()
    if community.pk:
        community.save(update_fields=[*SCALAR_FIELDS, "updated_at"])
    else:
        community.save()
    return community
