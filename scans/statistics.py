"""Aggregates of scored answers: distribution, mean and spread per item.

Pure functions over lists of values, so the same arithmetic serves a round's results,
the comparison between rounds and the aggregates across communities. Spread is the
population standard deviation; ``disagreement`` divides it by the largest spread the
scale allows (half its range), so items of different scales compare on 0..1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Items whose disagreement reaches this share of the scale's largest spread are
# discussion points (at most ``MAX_DISCUSSION_POINTS``, most disputed first).
DISAGREEMENT_THRESHOLD = 0.45
MAX_DISCUSSION_POINTS = 3


@dataclass(frozen=True)
class Distribution:
    value: int
    count: int
    share: float  # 0..1 of the answers to the item


@dataclass(frozen=True)
class ItemStatistics:
    count: int
    mean: float | None
    spread: float | None
    disagreement: float | None
    distribution: tuple[Distribution, ...]


def item_statistics(values: list[int], scale_values: tuple[int, ...]) -> ItemStatistics:
    """Distribution over ``scale_values`` (also values nobody chose), mean and spread."""
    count = len(values)
    counts = {value: 0 for value in scale_values}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    distribution = tuple(
        Distribution(value=value, count=n, share=(n / count if count else 0.0))
        for value, n in counts.items()
    )
    if not count:
        return ItemStatistics(0, None, None, None, distribution)
    mean = sum(values) / count
    spread = math.sqrt(sum((value - mean) ** 2 for value in values) / count)
    half_range = (max(scale_values) - min(scale_values)) / 2
    disagreement = min(1.0, spread / half_range) if half_range else 0.0
    return ItemStatistics(count, mean, spread, disagreement, distribution)


def discussion_points(statistics: dict[str, ItemStatistics]) -> list[str]:
    """The keys of the most disputed items, most disputed first."""
    disputed = [
        (stats.disagreement, key)
        for key, stats in statistics.items()
        if stats.disagreement is not None and stats.disagreement >= DISAGREEMENT_THRESHOLD
    ]
    disputed.sort(key=lambda pair: (-pair[0], pair[1]))
    return [key for _disagreement, key in disputed[:MAX_DISCUSSION_POINTS]]
