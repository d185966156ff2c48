"""Reads of the harvestable repository: the PUBLIC library only.

Harvesters are anonymous, so every record starts from
``Instrument.objects.visible_to(None)`` (published instruments) plus the tombstones of
instruments that left it. Lists are ordered by (datestamp, slug) over both and paged
by key, not offset, so a page boundary does not move when records change.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from email.utils import parseaddr

from django.conf import settings
from django.db.models import Min, Prefetch, Q, QuerySet
from django.utils import translation

from harvest.models import DeletedRecord, RecordKind
from harvest.protocol import DateRange, format_datestamp, make_identifier
from instruments.constants import PHASE_ORDER, Kind, Phase
from instruments.models import (
    Instrument,
    InstrumentPhase,
    InstrumentRelation,
    InstrumentSector,
    Sector,
)

PUBLISHER = "Samenspel"
REPOSITORY_NAME = "Samenspel: bibliotheek van instrumenten voor learning communities"
# Characters XML 1.0 cannot carry at all, even escaped; pasted text sometimes has them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(value: str) -> str:
    return _NOT_XML.sub("", value).strip()


def public_instruments() -> QuerySet[Instrument]:
    return Instrument.objects.visible_to(None)


@dataclass(frozen=True)
class Header:
    identifier: str
    datestamp: str
    set_specs: list[str]
    deleted: bool = False


@dataclass(frozen=True)
class Record:
    header: Header
    # (element, value, xml:lang or "") in the order they are written; empty if deleted.
    dc: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Page:
    records: list[Record]
    complete_list_size: int
    last_key: tuple[dt.datetime, str] | None
    has_more: bool


# The pattern of ``emailType`` in OAI-PMH.xsd: the domain needs a dot.
_SCHEMA_EMAIL = re.compile(r"\S+@(\S+\.)+\S+")


def admin_email() -> str:
    """OAI_ADMIN_EMAIL, else the address of DEFAULT_FROM_EMAIL.

    A development address such as noreply@localhost fails the schema and would make a
    validating harvester reject Identify; it gets the reserved ``.invalid`` domain,
    which is schema-valid and plainly says that no contact is configured.
    """
    address = settings.OAI_ADMIN_EMAIL or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    if not _SCHEMA_EMAIL.fullmatch(address):
        local, _at, domain = address.partition("@")
        address = f"{local or 'noreply'}@{domain or 'localhost'}.invalid"
    return address


def earliest_datestamp() -> str:
    """The earliest datestamp of any record, live or deleted (two queries)."""
    candidates = [
        public_instruments().aggregate(m=Min("updated_at"))["m"],
        DeletedRecord.objects.aggregate(m=Min("deleted_at"))["m"],
    ]
    moments = [moment for moment in candidates if moment is not None]
    return format_datestamp(min(moments) if moments else dt.datetime(2000, 1, 1, tzinfo=dt.UTC))


def list_sets() -> list[tuple[str, str]]:
    """(setSpec, Dutch setName): the two parents, every phase, and each sector that
    has a published instrument (a sector only drafts use is nobody's business yet)."""
    with translation.override("nl"):
        sets = [("phase", "Fase")]
        sets += [(f"phase:{phase.value}", str(phase.label)) for phase in Phase]
        sets.append(("sector", "Sector"))
        sectors = Sector.objects.filter(
            pk__in=InstrumentSector.objects.filter(instrument__in=public_instruments()).values(
                "sector"
            )
        ).order_by("slug")
        sets += [(f"sector:{sector.slug}", sector.name) for sector in sectors]
    return sets


def _instrument_set_filter(spec: str) -> Q | None:
    """The instruments in set ``spec``; None for a set that does not exist."""
    parent, _sep, value = spec.partition(":")
    if parent == "phase":
        links = InstrumentPhase.objects.all()
        if value:
            if value not in PHASE_ORDER:
                return None
            links = links.filter(phase=value)
    elif parent == "sector":
        links = InstrumentSector.objects.all()
        if value:
            links = links.filter(sector__slug=value)
    else:
        return None
    return Q(pk__in=links.values("instrument"))


def _tombstone_set_filter(spec: str) -> Q:
    return Q(set_specs__contains=f" {spec} " if ":" in spec else f" {spec}:")


def _selected(
    dates: DateRange, set_spec: str | None, started: dt.datetime
) -> tuple[QuerySet[Instrument], QuerySet[DeletedRecord]]:
    instruments = public_instruments().filter(updated_at__lte=started)
    tombstones = DeletedRecord.objects.filter(deleted_at__lte=started)
    if dates.start:
        instruments = instruments.filter(updated_at__gte=dates.start)
        tombstones = tombstones.filter(deleted_at__gte=dates.start)
    if dates.end:
        instruments = instruments.filter(updated_at__lt=dates.end)
        tombstones = tombstones.filter(deleted_at__lt=dates.end)
    if set_spec:
        condition = _instrument_set_filter(set_spec)
        instruments = instruments.filter(condition) if condition else instruments.none()
        tombstones = tombstones.filter(_tombstone_set_filter(set_spec))
    return instruments, tombstones


def _with_header_relations(instruments: QuerySet[Instrument]) -> QuerySet[Instrument]:
    return instruments.prefetch_related(
        "phase_links",
        Prefetch("sector_links", queryset=InstrumentSector.objects.select_related("sector")),
    )


def _with_record_relations(instruments: QuerySet[Instrument]) -> QuerySet[Instrument]:
    """Everything oai_dc shows, in a fixed number of queries however long the page.

    Related instruments are limited to published ones: a draft's URL is a 404.
    """
    return _with_header_relations(
        instruments.select_related("organisation", "owner")
    ).prefetch_related(
        Prefetch(
            "relation_links",
            queryset=InstrumentRelation.objects.filter(
                to_instrument__in=public_instruments()
            ).select_related("to_instrument"),
        )
    )


def instrument_set_specs(instrument: Instrument) -> list[str]:
    """Leaf set specs of an instrument (its phases, then its sectors); uses prefetches."""
    specs = [f"phase:{phase}" for phase in instrument.phase_values]
    specs += [f"sector:{link.sector.slug}" for link in instrument.sector_links.all()]
    return specs


def _page_url(path: str) -> str:
    """An absolute URL in the site's own language, whatever the harvester asked for."""
    return settings.SITE_URL + path


def _instrument_dc(instrument: Instrument) -> list[tuple[str, str, str]]:
    with translation.override(settings.LANGUAGE_CODE):
        dc = [("title", instrument.title, "nl")]
        if instrument.title_en:
            dc.append(("title", instrument.title_en, "en"))
        creator = instrument.organisation.name if instrument.organisation else ""
        if not creator and instrument.owner:
            creator = instrument.owner.display_name
        if creator:
            dc.append(("creator", creator, ""))
        dc += [("subject", keyword, "nl") for keyword in instrument.keywords if keyword]
        dc += [("subject", label, "nl") for label in map(str, instrument.phase_labels)]
        dc += [("subject", link.sector.name, "nl") for link in instrument.sector_links.all()]
        dc.append(("description", instrument.summary, "nl"))
        dc.append(("publisher", PUBLISHER, ""))
        dc.append(("date", format_datestamp(instrument.updated_at), ""))
        dc.append(("type", str(Kind(instrument.kind).label), "nl"))
        dc.append(("format", "text/html", ""))
        dc.append(("identifier", _page_url(instrument.get_absolute_url()), ""))
        if instrument.source:
            dc.append(("source", instrument.source, ""))
        dc.append(("language", "nl", ""))
        dc += [
            ("relation", _page_url(link.to_instrument.get_absolute_url()), "")
            for link in instrument.relation_links.all()
        ]
        if instrument.licence:
            dc.append(("rights", instrument.licence, ""))
    return [(name, _xml_text(str(value)), lang) for name, value, lang in dc if str(value).strip()]


def _instrument_record(instrument: Instrument, *, with_metadata: bool) -> Record:
    header = Header(
        identifier=make_identifier(RecordKind.INSTRUMENT, instrument.slug),
        datestamp=format_datestamp(instrument.updated_at),
        set_specs=instrument_set_specs(instrument),
    )
    return Record(header=header, dc=_instrument_dc(instrument) if with_metadata else [])


def _tombstone_record(tombstone: DeletedRecord) -> Record:
    header = Header(
        identifier=make_identifier(tombstone.kind, tombstone.slug),
        datestamp=format_datestamp(tombstone.deleted_at),
        set_specs=tombstone.set_spec_list,
        deleted=True,
    )
    return Record(header=header)


def _after(field_name: str, after: tuple[dt.datetime, str] | None) -> Q:
    if after is None:
        return Q()
    moment, slug = after
    return Q(**{f"{field_name}__gt": moment}) | Q(**{field_name: moment, "slug__gt": slug})


def record_page(
    *,
    dates: DateRange,
    set_spec: str | None,
    started: dt.datetime,
    after: tuple[dt.datetime, str] | None,
    limit: int,
    with_metadata: bool,
) -> Page:
    """One page of live and deleted records after the key ``after``.

    Queries: two counts, the instruments with their phases and sectors (three, plus
    one for related instruments with metadata), and the tombstones: 6 or 7 in all.
    """
    instruments, tombstones = _selected(dates, set_spec, started)
    complete = instruments.count() + tombstones.count()
    related = _with_record_relations if with_metadata else _with_header_relations
    live = related(instruments.filter(_after("updated_at", after))).order_by("updated_at", "slug")
    gone = tombstones.filter(_after("deleted_at", after)).order_by("deleted_at", "slug")
    keyed = [((i.updated_at, i.slug), i) for i in live[: limit + 1]]
    keyed += [((t.deleted_at, t.slug), t) for t in gone[: limit + 1]]
    keyed.sort(key=lambda pair: pair[0])
    chosen = keyed[:limit]
    records = [
        _tombstone_record(item)
        if isinstance(item, DeletedRecord)
        else _instrument_record(item, with_metadata=with_metadata)
        for _key, item in chosen
    ]
    return Page(
        records=records,
        complete_list_size=complete,
        last_key=chosen[-1][0] if chosen else None,
        has_more=len(keyed) > limit,
    )


def find_record(kind: str, slug: str, *, with_metadata: bool) -> Record | None:
    """The live or deleted record with this identifier, or None (drafts never existed)."""
    if kind == RecordKind.INSTRUMENT:
        queryset = _with_record_relations if with_metadata else _with_header_relations
        instrument = queryset(public_instruments().filter(slug=slug)).first()
        if instrument is not None:
            return _instrument_record(instrument, with_metadata=with_metadata)
    tombstone = DeletedRecord.objects.filter(kind=kind, slug=slug).first()
    return _tombstone_record(tombstone) if tombstone else None
