"""Numbers of results as people read them: rounded half up (Django's ``number_format``
cuts decimals off, 3,29 would read 3,2) and written in the active language (3,3 in Dutch).
Pages, the journal entry and the poster all use these, so they show the same figures."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats


def rounded(value: float, places: int = 1) -> Decimal:
    step = Decimal(1).scaleb(-places)
    result = Decimal(str(value)).quantize(step, rounding=ROUND_HALF_UP)
    return result if result else abs(result)  # no "-0,0"


def number_text(value: float, places: int = 1) -> str:
    """``3,3`` for 3.2857 in Dutch."""
    return formats.number_format(rounded(value, places), places)


def signed_text(value: float, places: int = 1) -> str:
    """A change: "+0,8", "-0,3" or "±0,0"."""
    result = rounded(value, places)
    sign = "+" if result > 0 else "-" if result < 0 else "±"
    return sign + formats.number_format(abs(result), places)
