"""Instruments made through the same service the site uses, so revisions and links exist."""

from __future__ import annotations

import factory

from instruments.constants import Kind, Phase, Status
from instruments.services import instrument_save_record


def instrument_record(**overrides) -> dict:
    n = overrides.pop("n", None) or next(_counter)
    record = {
        "id": f"instrument-{n}",
        "title": f"Instrument {n}",
        "title_en": f"Instrument {n} (English)",
        "summary": "Een korte samenvatting van wat het instrument doet.",
        "description": "Een **beschrijving** in Markdown.",
        "steps": ["Eerste stap", "Tweede stap"],
        "phases": [Phase.STARTEN.value],
        "kind": Kind.CHECKLIST.value,
        "sectors": ["energie"],
        "audience": ["facilitator"],
        "source": "3.2 a",
        "related": [],
        "keywords": ["samenwerken"],
    }
    record.update(overrides)
    return record


def _numbers():
    n = 0
    while True:
        n += 1
        yield n


_counter = _numbers()


class InstrumentFactory(factory.Factory):
    """``InstrumentFactory(owner=user, status="draft", phases=[...])`` creates one instrument."""

    class Meta:
        model = dict

    status = Status.PUBLISHED.value
    owner = None

    @classmethod
    def _create(cls, model_class, *args, owner=None, **kwargs):
        record = instrument_record(**kwargs)
        return instrument_save_record(record=record, owner=owner, author=owner)

    _build = _create
