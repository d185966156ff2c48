"""Scans of instruments and the results of rounds: aggregates only, never one person's
answers. Rounds follow their community's visibility; scans their instrument's.

No ``from __future__ import annotations``: ninja reads the signatures at runtime.
"""

from django.http import HttpRequest
from ninja import Router

from api.auth import ANONYMOUS_ALLOWED, READ_AUTH, caller
from api.schemas import DETAIL_ERRORS, ScanOut, ScanRoundOut
from instruments.selectors import get_instrument_for_user
from scans import selectors

router = Router(tags=["scans"], auth=READ_AUTH)


def _group(group, items) -> dict | None:
    if group is None:
        return None
    return {
        "label": group.label,
        "responses": group.responses,
        "rounds": group.rounds,
        "items": [
            {
                "key": item.key,
                "mean": group.means.get(item.key),
                "spread": group.spreads.get(item.key),
            }
            for item in items
        ],
    }


@router.get(
    "/instruments/{slug}/scans",
    response={200: list[ScanOut], **DETAIL_ERRORS},
    openapi_extra=ANONYMOUS_ALLOWED,
)
def list_instrument_scans(request: HttpRequest, slug: str):
    """The instrument's scans with their statements, and the anonymous means over all
    closed rounds in public communities (overall, by sector and by level)."""
    instrument = get_instrument_for_user(user=caller(request), slug=slug)
    minimum = selectors.minimum_group_size()
    return [
        {
            "id": aggregate.scan.pk,
            "key": aggregate.scan.key,
            "title": aggregate.scan.current.title,
            "instructions": aggregate.scan.current.instructions,
            "version": aggregate.scan.current.number,
            "items": list(aggregate.scan.current.items.all()),
            "minimum_group_size": minimum,
            "across_public_communities": _group(aggregate.total, aggregate.items),
            "by_sector_and_level": [_group(group, aggregate.items) for group in aggregate.groups],
        }
        for aggregate in selectors.instrument_aggregates(instrument)
    ]


def _item_result(result) -> dict:
    statistics = result.statistics
    return {
        "key": result.item.key,
        "text": result.item.text,
        "scale": result.item.scale,
        "count": statistics.count if statistics else len(result.open_answers),
        "mean": statistics.mean if statistics else None,
        "spread": statistics.spread if statistics else None,
        "distribution": {str(bar.value): bar.count for bar in statistics.distribution}
        if statistics
        else {},
        "discussion_point": result.is_discussion_point,
        "change_since_previous_round": result.change,
        "open_answers": result.open_answers,
    }


@router.get(
    "/scan-rounds/{code}",
    response={200: ScanRoundOut, **DETAIL_ERRORS},
    openapi_extra=ANONYMOUS_ALLOWED,
)
def get_scan_round(request: HttpRequest, code: str):
    """A round of a scan in a community you may read; ``results`` only once released."""
    round_ = selectors.get_round_for_user(user=caller(request), code=code)
    results = selectors.round_results(round_)
    return {
        "code": round_.code,
        "title": round_.title,
        "community": round_.community.slug,
        "scan": round_.version.title,
        "version": round_.version.number,
        "started_at": round_.started_at,
        "closes_at": round_.closes_at,
        "is_open": round_.is_open(),
        "responses": round_.response_count,
        "minimum_group_size": round_.group_minimum,
        "results": [_item_result(result) for result in results.items] if results else None,
    }
