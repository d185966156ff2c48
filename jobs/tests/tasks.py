"""Tasks the jobs tests queue by their dotted path."""

from __future__ import annotations


def always_fails(name: str, *, times: int = 1) -> None:
    raise ValueError(f"boom {name} x{times}")


def succeeds(value: int) -> int:
    return value * 2
