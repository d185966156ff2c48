"""Receivers that keep the tombstones of harvested instruments in step with the library.

Signals, not service calls: an instrument leaves the public library through the edit
service, the importer, the admin or a shell, and the instruments app must not know
that harvesting exists. Every one of those paths ends in ``Model.save``/``delete``.
(``QuerySet.update`` bypasses them; nothing in the project changes a status that way.)

Connected in ``HarvestConfig.ready`` with ``dispatch_uid``s; sender ``Instrument``.
The sets a record was in are read before the change (``pre_save``/``pre_delete``),
because the instrument's phase and sector links are replaced or cascaded away after.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from harvest.models import RecordKind
from harvest.services import deleted_record_clear, deleted_record_mark
from instruments.constants import PHASE_ORDER, Status
from instruments.models import Instrument

_LEAVING = "_harvest_leaving_sets"


def _current_set_specs(instrument: Instrument) -> list[str]:
    phases = set(instrument.phase_links.values_list("phase", flat=True))
    specs = [f"phase:{phase}" for phase in PHASE_ORDER if phase in phases]
    sectors = instrument.sector_links.order_by("position").values_list("sector__slug", flat=True)
    return specs + [f"sector:{slug}" for slug in sectors]


def instrument_pre_save(sender, instance: Instrument, raw=False, update_fields=None, **kwargs):
    """Note the sets of a published instrument that this save takes back to draft."""
    if raw or instance.pk is None or instance.status == Status.PUBLISHED:
        return
    if update_fields is not None and "status" not in update_fields:
        return
    previous = Instrument.objects.filter(pk=instance.pk).values_list("status", flat=True).first()
    if previous == Status.PUBLISHED:
        setattr(instance, _LEAVING, _current_set_specs(instance))


def instrument_post_save(sender, instance: Instrument, raw=False, **kwargs):
    """Published: no tombstone (again); just left the library: a tombstone."""
    if raw:
        return
    if instance.status == Status.PUBLISHED:
        deleted_record_clear(kind=RecordKind.INSTRUMENT, slug=instance.slug)
        return
    leaving = instance.__dict__.pop(_LEAVING, None)
    if leaving is not None:
        deleted_record_mark(kind=RecordKind.INSTRUMENT, slug=instance.slug, set_specs=leaving)


def instrument_pre_delete(sender, instance: Instrument, **kwargs):
    if instance.status == Status.PUBLISHED:
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
