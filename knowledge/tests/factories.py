from __future__ import annotations

import itertools

from knowledge.services import concept_save_record

_numbers = itertools.count(1)


def make_concept(**overrides):
    """A concept created through the service (so it has its first revision)."""
    n = next(_numbers)
    record = {
        "id": f"begrip-{n}",
        "term": f"Begrip {n}",
        "term_en": f"Concept {n}",
        "definition": "Een definitie in **Markdown**.",
        "source": "2.1",
        "related": [],
    }
    record.update(overrides)
    return concept_save_record(record=record)
