"""An instrument as a plain record: the shape of ``instruments.json``.

The same record is what the library exports, what a revision stores and what the
edit form and importer hand to the services, so an instrument has one canonical
plain form. Keys beyond the shared data's are written only when they hold a value,
so exporting the demo library reproduces its source file exactly.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from instruments.constants import Status
from instruments.models import (
    Instrument,
    InstrumentAudience,
    InstrumentRelation,
    InstrumentSector,
)

REQUIRED_KEYS = (
    "id", "title", "title_en", "summary", "description", "steps", "phases", "kind",
    "sectors", "audience", "source", "related", "keywords",
)  # fmt: skip
OPTIONAL_KEYS = ("when_to_use", "licence", "status", "organisation", "links")
LIST_KEYS = ("steps", "phases", "sectors", "audience", "related", "keywords")

FIELD_LABELS = {
    "id": _("code"),
    "title": _("title"),
    "title_en": _("English title"),
    "summary": _("summary"),
    "description": _("description"),
    "steps": _("steps"),
    "phases": _("phases"),
    "kind": _("kind"),
    "sectors": _("sectors"),
    "audience": _("audience"),
    "source": _("source or citation"),
    "related": _("related instruments"),
    "keywords": _("keywords"),
    "when_to_use": _("when to use"),
    "licence": _("licence"),
    "status": _("status"),
    "organisation": _("provider organisation"),
    "links": _("links"),
}


def with_record_relations(queryset: QuerySet[Instrument]) -> QuerySet[Instrument]:
    """Prefetch everything ``instrument_to_record`` reads, in a fixed number of queries."""
    return queryset.select_related("organisation").prefetch_related(
        "phase_links",
        Prefetch("sector_links", queryset=InstrumentSector.objects.select_related("sector")),
        Prefetch("audience_links", queryset=InstrumentAudience.objects.select_related("audience")),
        Prefetch(
            "relation_links",
            queryset=InstrumentRelation.objects.select_related("to_instrument"),
        ),
        "links",
    )


def instrument_to_record(instrument: Instrument) -> dict:
    record = {
        "id": instrument.slug,
        "title": instrument.title,
        "title_en": instrument.title_en,
        "summary": instrument.summary,
        "description": instrument.body,
        # Written only when filled, right after the description (as in instruments.json).
        **({"when_to_use": instrument.when_to_use} if instrument.when_to_use else {}),
        "steps": list(instrument.steps),
        "phases": instrument.phase_values,
        "kind": instrument.kind,
        "sectors": [link.sector.slug for link in instrument.sector_links.all()],
        "audience": [link.audience.name for link in instrument.audience_links.all()],
        "source": instrument.source,
        "related": [link.to_instrument.slug for link in instrument.relation_links.all()],
        "keywords": list(instrument.keywords),
    }
    if instrument.licence:
        record["licence"] = instrument.licence
    if instrument.status != Status.PUBLISHED:
        record["status"] = instrument.status
    if instrument.organisation_id:
        record["organisation"] = instrument.organisation.name
    links = [{"url": link.url, "title": link.title} for link in instrument.links.all()]
    if links:
        record["links"] = links
    return record
