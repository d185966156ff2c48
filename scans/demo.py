"""The demo library's scans (``library/demo/scans.json``) and the rounds that already
ran in example communities, so a fresh install shows results and a comparison.

Loading is idempotent: a scan is created when its instrument has none with its key, and
a round when its community has none with its title. The demo people (created from
``library/demo/activity.json``) answer and become members where they are not yet. Rounds
are written through the services with their permission checks off, because the demo
has no signed-in facilitator; the answers pass the same validation as anyone's.
"""

from __future__ import annotations

import datetime
import json

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from communities.models import Community, MemberRole, Membership
from communities.services import membership_grant
from instruments.models import Instrument
from library.demo_activity import DEMO_EMAIL_DOMAIN
from library.services import DEMO_DIR
from scans.definitions import ItemSpec
from scans.models import Round, Scan
from scans.services import response_save, round_start, scan_create

SCANS_FILE = DEMO_DIR / "scans.json"


def _items(spec: dict) -> list[ItemSpec]:
    return [
        ItemSpec(
            key=item["key"],
            text=item["text"],
            scale=item["scale"],
            left_pole=item.get("left", ""),
            right_pole=item.get("right", ""),
        )
        for item in spec["items"]
    ]


def _scans(specs: list[dict]) -> tuple[dict[str, Scan], int]:
    """The demo scans by key, created where missing (one query when none is)."""
    existing = {
        (scan.instrument.slug, scan.key): scan
        for scan in Scan.objects.filter(
            instrument__slug__in=[spec["instrument"] for spec in specs]
        ).select_related("instrument")
    }
    missing = [spec for spec in specs if (spec["instrument"], spec["key"]) not in existing]
    instruments = (
        Instrument.all_objects.in_bulk([spec["instrument"] for spec in missing], field_name="slug")
        if missing
        else {}
    )
    scans = {spec["key"]: existing.get((spec["instrument"], spec["key"])) for spec in specs}
    for spec in missing:
        instrument = instruments.get(spec["instrument"])
        if instrument is not None:
            scans[spec["key"]] = scan_create(
                user=None,
                instrument=instrument,
                key=spec["key"],
                title=spec["title"],
                instructions=spec["instructions"],
                items=_items(spec),
                check_permission=False,
            )
    return scans, len([spec for spec in missing if spec["instrument"] in instruments])


def _respondent(community: Community, key: str):
    user = get_user_model().objects.filter(email=f"{key}@{DEMO_EMAIL_DOMAIN}").first()
    if user is not None and not Membership.objects.filter(community=community, user=user).exists():
        role = MemberRole.FACILITATOR if key.startswith("facilitator") else MemberRole.MEMBER
        membership_grant(community=community, member=user, role=role)
    return user


def _round(spec: dict, scan: Scan, community: Community) -> Round:
    started = timezone.now() - datetime.timedelta(days=spec["days_ago"])
    facilitator = _respondent(community, spec["answers"][0]["person"])
    round_ = round_start(
        user=facilitator,
        community=community,
        scan=scan,
        title=spec["title"],
        closes_on=timezone.localdate(started) + datetime.timedelta(days=7),
        started_at=started,
        check_permission=False,
    )
    for answer in spec["answers"]:
        person = _respondent(community, answer["person"])
        if person is not None:
            response_save(
                user=person,
                round_=round_,
                values=answer["values"],
                texts=answer.get("open", {}),
                check_permission=False,
            )
    return round_


@transaction.atomic
def load_demo_scans() -> tuple[int, int]:
    """Create the missing demo scans and rounds; returns how many of each were added.
    When nothing is missing it reads the scans and the rounds' titles, nothing else."""
    data = json.loads(SCANS_FILE.read_text(encoding="utf-8"))
    scans, scans_added = _scans(data["scans"])
    done = set(Round.objects.values_list("community__slug", "title"))
    missing = [spec for spec in data["rounds"] if (spec["community"], spec["title"]) not in done]
    communities = (
        Community.objects.in_bulk([spec["community"] for spec in missing], field_name="slug")
        if missing
        else {}
    )
    rounds_added = 0
    for spec in missing:
        community, scan = communities.get(spec["community"]), scans.get(spec["scan"])
        if community is not None and scan is not None:
            _round(spec, scan, community)
            rounds_added += 1
    return scans_added, rounds_added
