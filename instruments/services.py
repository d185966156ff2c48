"""Writes to the instrument library. Every change of an instrument goes through
``instrument_save_record`` so that it is validated, linked and revisioned the same
way whether it comes from the edit form, the importer or the admin.
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from instruments.constants import KNOWN_AUDIENCES, KNOWN_SECTORS, Status
from instruments.models import (
    Audience,
    Instrument,
    InstrumentAttachment,
    InstrumentAudience,
    InstrumentLink,
    InstrumentPhase,
    InstrumentRelation,
    InstrumentSector,
    Organisation,
    Sector,
)
from instruments.records import instrument_to_record, with_record_relations
from lib.revisions import store_revision

SCALAR_FIELDS = [
    "title", "title_en", "summary", "body", "when_to_use", "steps", "kind", "keywords",
    "source", "licence", "status", "organisation",
]  # fmt: skip
MESSAGE_NOT_PROVIDER = gettext_noop("Only instrument providers can add instruments.")
MESSAGE_NOT_OWNER = gettext_noop("Only the provider of this instrument can change it.")


def check_instrument_create_permission(user) -> None:
    if not (user.is_authenticated and (user.is_provider or user.is_staff)):
        raise PermissionDenied(_(MESSAGE_NOT_PROVIDER))


def can_edit_instrument(user, instrument: Instrument) -> bool:
    """The instrument's provider and staff change it (and its scans); pages ask this to
    show their edit buttons, services raise with ``check_instrument_edit_permission``."""
    return user.is_authenticated and (user.is_staff or instrument.owner_id == user.pk)


def check_instrument_edit_permission(user, instrument: Instrument) -> None:
    if not can_edit_instrument(user, instrument):
        raise PermissionDenied(_(MESSAGE_NOT_OWNER))


def unique_slug(model, text: str, *, fallback: str, max_length: int) -> str:
    """A slug for ``text`` that no row of ``model`` has yet ("docent", "docent-2", ...)."""
    base = slugify(text)[: max_length - 4] or fallback
    slug, n = base, 1
    while model._base_manager.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def sector_get_or_create(slug: str) -> Sector:
    name, name_en = KNOWN_SECTORS.get(slug, (slug.replace("-", " ").capitalize(), ""))
    sector, _created = Sector.objects.get_or_create(
        slug=slug, defaults={"name": name, "name_en": name_en}
    )
    return sector


def audience_get_or_create(name: str) -> Audience:
    audience = Audience.objects.filter(name=name).first()
    if audience is None:
        audience = Audience.objects.create(
            name=name,
            name_en=KNOWN_AUDIENCES.get(name, ""),
            slug=unique_slug(Audience, name, fallback="doelgroep", max_length=80),
        )
    return audience


def organisation_get_or_create(name: str) -> Organisation:
    organisation = Organisation.objects.filter(name=name).first()
    if organisation is None:
        slug = unique_slug(Organisation, name, fallback="organisatie", max_length=120)
        organisation = Organisation.objects.create(name=name, slug=slug)
    return organisation


def _apply_scalars(instrument: Instrument, record: dict) -> None:
    instrument.title = record["title"]
    instrument.title_en = record.get("title_en", "")
    instrument.summary = record["summary"]
    instrument.body = record.get("description", "")
    instrument.when_to_use = record.get("when_to_use", "")
    instrument.steps = list(record.get("steps", []))
    instrument.kind = record["kind"]
    instrument.keywords = list(record.get("keywords", []))
    instrument.source = record.get("source", "")
    instrument.licence = record.get("licence", "")
    instrument.status = record.get("status", Status.PUBLISHED)
    name = record.get("organisation")
    instrument.organisation = organisation_get_or_create(name) if name else None


def _apply_links(instrument: Instrument, record: dict) -> None:
    """Replace the ordered multi-valued fields; positions follow the record's order."""
    InstrumentPhase.objects.filter(instrument=instrument).delete()
    InstrumentPhase.objects.bulk_create(
        InstrumentPhase(instrument=instrument, phase=phase) for phase in record["phases"]
    )
    InstrumentSector.objects.filter(instrument=instrument).delete()
    InstrumentSector.objects.bulk_create(
        InstrumentSector(instrument=instrument, sector=sector_get_or_create(slug), position=i)
        for i, slug in enumerate(record.get("sectors", []))
    )
    InstrumentAudience.objects.filter(instrument=instrument).delete()
    InstrumentAudience.objects.bulk_create(
        InstrumentAudience(instrument=instrument, audience=audience_get_or_create(name), position=i)
        for i, name in enumerate(record.get("audience", []))
    )
    InstrumentLink.objects.filter(instrument=instrument).delete()
    InstrumentLink.objects.bulk_create(
        InstrumentLink(instrument=instrument, url=link["url"], title=link["title"], position=i)
        for i, link in enumerate(record.get("links", []))
    )


def instrument_set_related(*, instrument: Instrument, slugs: list[str]) -> None:
    """Point ``instrument`` at the instruments named by ``slugs``, in that order.

    Separate from the rest of a save because an import must create every instrument
    before any of them can refer to one that comes later in the file.
    """
    targets = {i.slug: i for i in Instrument.objects.filter(slug__in=slugs)}
    missing = [slug for slug in slugs if slug not in targets]
    if missing:
        raise ValueError(f"unknown related instruments: {', '.join(missing)}")
    InstrumentRelation.objects.filter(from_instrument=instrument).delete()
    InstrumentRelation.objects.bulk_create(
        InstrumentRelation(from_instrument=instrument, to_instrument=targets[slug], position=i)
        for i, slug in enumerate(slugs)
    )


def instrument_link_concepts(*, instrument: Instrument, concepts=None) -> None:
    """Link the concepts whose term (Dutch or English) occurs in the instrument's text."""
    from knowledge.models import Concept

    concepts = list(Concept.objects.all()) if concepts is None else concepts
    text = " ".join(
        [instrument.title, instrument.summary, instrument.body, " ".join(instrument.keywords)]
    ).lower()
    matched = [
        concept
        for concept in concepts
        if any(
            re.search(rf"(?<!\w){re.escape(term.lower())}(?!\w)", text)
            for term in {concept.term, concept.term_en}
            if term
        )
    ]
    instrument.concepts.set(matched)


def instrument_record_revision(*, instrument: Instrument, author=None, note: str = "") -> bool:
    """Store a revision if the instrument's record differs from its latest revision."""
    fresh = with_record_relations(Instrument.objects.filter(pk=instrument.pk)).get()
    return store_revision(
        instrument.revisions, data=instrument_to_record(fresh), author=author, note=note
    )


@transaction.atomic
def instrument_save_record(
    *,
    record: dict,
    author=None,
    owner=None,
    note: str = "",
    set_related: bool = True,
    link_concepts: bool = True,
) -> Instrument:
    """Create or update the instrument with ``record["id"]`` and revision the change.

    The record must already be valid (see ``library.validation`` and the edit form);
    this function enforces only the database invariants. ``owner`` is set on creation.
    """
    instrument = Instrument.objects.filter(slug=record["id"]).first()
    if instrument is None:
        instrument = Instrument(slug=record["id"], owner=owner)
    _apply_scalars(instrument, record)
    instrument.full_clean(exclude=["owner"])
    if instrument.pk:
        instrument.save(update_fields=[*SCALAR_FIELDS, "updated_at"])
    else:
        instrument.save()
    _apply_links(instrument, record)
    if set_related:
        instrument_set_related(instrument=instrument, slugs=list(record.get("related", [])))
    if link_concepts:
        instrument_link_concepts(instrument=instrument)
    if set_related:
        instrument_record_revision(instrument=instrument, author=author, note=note)
    return instrument


def instrument_next_slug(title: str) -> str:
    """A new, unused slug for an instrument titled ``title``."""
    return unique_slug(Instrument, title, fallback="instrument", max_length=100)


@transaction.atomic
def instrument_create(*, user, record_without_id: dict, note: str = "") -> Instrument:
    check_instrument_create_permission(user)
    record = {**record_without_id, "id": instrument_next_slug(record_without_id["title"])}
    return instrument_save_record(record=record, author=user, owner=user, note=note or _("Created"))


@transaction.atomic
def instrument_update(*, user, instrument: Instrument, record: dict, note: str = "") -> Instrument:
    check_instrument_edit_permission(user, instrument)
    record = {**record, "id": instrument.slug}
    return instrument_save_record(record=record, author=user, note=note)


@transaction.atomic
def instrument_attachment_add(
    *, user, instrument: Instrument, title: str, uploaded_file, content_type: str
) -> InstrumentAttachment:
    """Attach a file that ``lib.uploads.validate_attachment`` has already accepted."""
    check_instrument_edit_permission(user, instrument)
    attachment = InstrumentAttachment(
        instrument=instrument,
        title=title,
        file=uploaded_file,
        content_type=content_type,
        size=uploaded_file.size,
        uploaded_by=user,
    )
    attachment.full_clean()
    attachment.save()
    return attachment
