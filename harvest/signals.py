"""Receivers that keep the tombstones of harvested instruments in step with the library.

Signals, not service calls: an instrument leaves the public library through the edit
service, the importer, the admin or a shell, and the instruments app must not know
that harvesting exists. Every one of those paths ends in ``Model.save``/``delete``.
(``QuerySet.update`` bypasses them; nothing in the project changes a status that way.)

Connected in ``HarvestConfig.ready`` with ``dispatch_uid``s; sender ``Instrument``.
"In the library" means published and visible: an instrument a moderator hides leaves it
like a draft, and one restored comes back (moderation saves ``moderation_state`` through
``Model.save`` too). The sets a record was in are read before the change
(``pre_save``/``pre_delete``), because the instrument's phase and sector links are
replaced or cascaded away after.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from harvest.models import RecordKind
from harvest.services import deleted_record_clear, deleted_record_mark
from instruments.constants import PHASE_ORDER, Status
from instruments.models import Instrument
from moderation.constants import ModerationState

_LEAVING = "_harvest_leaving_sets"


def _current_set_specs(instrument: Instrument) -> list[str]:
    phases = set(instrument.phase_links.values_list("phase", flat=True))
    specs = [f"phase:{phase}" for phase in PHASE_ORDER if phase in phases]
    sectors = instrument.sector_links.order_by("position").values_list("sector__slug", flat=True)
    return specs + [f"sector:{slug}" for slug in sectors]


def _is_public(status: str, moderation_state: str) -> bool:
    """In the public library: published and not held or hidden by a moderator."""
    return status == Status.PUBLISHED and moderation_state == ModerationState.VISIBLE


def instrument_pre_save(sender, instance: Instrument, raw=False, update_fields=None, **kwargs):
    """Note the sets of a public instrument that this save takes out of the library
    (back to draft, or hidden by a moderator)."""
    if raw or instance.pk is None or _is_public(instance.status, instance.moderation_state):
        return
    if update_fields is not None and not {"status", "moderation_state"} & set(update_fields):
        return
    previous = (
        Instrument.all_objects.filter(pk=instance.pk)
        .values_list("status", "moderation_state")
        .first()
    )
    if previous is not None and _is_public(*previous):
        setattr(instance, _LEAVING, _current_set_specs(instance))


def instrument_post_save(sender, instance: Instrument, raw=False, **kwargs):
    """Public: no tombstone (again); just left the library: a tombstone."""
    if raw:
        return
    if _is_public(instance.status, instance.moderation_state):
        deleted_record_clear(kind=RecordKind.INSTRUMENT, slug=instance.slug)
        return
    leaving = instance.__dict__.pop(_LEAVING, None)
    if leaving is not None:
        deleted_record_mark(kind=RecordKind.INSTRUMENT, slug=instance.slug, set_specs=leaving)


def instrument_pre_delete(sender, instance: Instrument, **kwargs):
    if _is_public(instance.status, instance.moderation_state):
        setattr(instance, _LEAVING, _current_set_specs(instance))


def instrument_post_delete(sender, instance: Instrument, **kwargs):
    leaving = instance.__dict__.pop(_LEAVING, None)
    if leaving is not None:
        deleted_record_mark(kind=RecordKind.INSTRUMENT, slug=instance.slug, set_specs=leaving)


def connect() -> None:
    pre_save.connect(instrument_pre_save, sender=Instrument, dispatch_uid="harvest.pre_save")
    post_save.connect(instrument_post_save, sender=Instrument, dispatch_uid="harvest.post_save")
    pre_delete.connect(instrument_pre_delete, sender=Instrument, dispatch_uid="harvest.pre_delete")
    post_delete.connect(
        instrument_post_delete, sender=Instrument, dispatch_uid="harvest.post_delete"
    )
