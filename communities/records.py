"""A community as a plain record: the shape of ``communities.json``.

The source file writes an unknown level, region, lead or phase as ``null``; the model
stores those as blank strings (Django's convention for text), so the record turns a
blank back into ``None`` and the library exports exactly what it imported.
"""

from __future__ import annotations

from communities.models import Community

KEYS = (
    "id", "name", "level", "sectors", "region", "challenge", "partners", "lead",
    "phase_hint", "lessons", "source",
)  # fmt: skip
REQUIRED_KEYS = ("id", "name")
LIST_KEYS = ("sectors", "partners", "lessons")
# Keys whose "not known" is ``null`` in the record and blank in the model.
NULLABLE_KEYS = ("level", "region", "lead", "phase_hint")


def community_to_record(community: Community) -> dict:
    return {
        "id": community.slug,
        "name": community.name,
        "level": community.level or None,
        "sectors": list(community.sectors),
        "region": community.region or None,
        "challenge": community.challenge,
        "partners": list(community.partners),
        "lead": community.lead or None,
        "phase_hint": community.current_phase or None,
        "lessons": list(community.lessons),
        "source": community.source,
    }
