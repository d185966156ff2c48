"""Experiences made through the same service the site uses (so its checks and
notifications run too).

- ``make_experience(*, instrument, author, community=None, **fields)`` -> Experience.
  Defaults: a short ``what_was_done``, rating 4, would recommend; any ``EDITABLE_FIELDS``
  of ``experiences.services`` can be given. ``author`` must be a facilitator or member of
  ``community`` when one is given.
"""

from __future__ import annotations

import itertools

from experiences.models import Experience
from experiences.services import experience_create

_numbers = itertools.count(1)


def make_experience(*, instrument, author, community=None, **fields) -> Experience:
    n = next(_numbers)
    fields.setdefault("what_was_done", f"We used the instrument in session {n}.")
    fields.setdefault("rating", 4)
    fields.setdefault("would_recommend", True)
    return experience_create(author=author, instrument=instrument, community=community, **fields)
