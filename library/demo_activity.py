"""Demo activity for the example communities: people, journal entries and experiences.

``library/demo/activity.json`` holds a few journal entries (with value stories) and
experiences, written for this project, so a newcomer sees a living platform. They are
written through the same services as the site's forms. Loading is idempotent: a
community that already has journal entries gets none, and an experience is skipped when
its author already shared one on that instrument in that community.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from communities.models import Community, MemberRole
from communities.services import membership_grant
from experiences.models import Experience
from experiences.services import experience_create
from instruments.models import Instrument, Sector
from instruments.services import organisation_get_or_create
from journal.models import JournalEntry
from journal.services import journal_entry_create
from library.services import DEMO_DIR

ACTIVITY_FILE = DEMO_DIR / "activity.json"
DEMO_EMAIL_DOMAIN = "demo.samenspel.invalid"
ROLE_FLAGS = {
    "facilitator": "is_facilitator",
    "provider": "is_provider",
    "participant": "is_participant",
}
PARTNER_FLAGS = {
    "business": "with_business",
    "education": "with_education",
    "government": "with_government",
    "citizens": "with_citizens",
}


@dataclass
class ActivityReport:
    people: int = 0
    journal_entries: int = 0
    experiences: int = 0

    def summary_line(self) -> str:
        return (
            f"demo activity: {self.people} people, {self.journal_entries} journal entries, "
            f"{self.experiences} experiences added"
        )


def _people(specs: list[dict], report: ActivityReport) -> dict:
    """The demo people by key; they cannot sign in (no usable password, .invalid address).

    They are established members (trusted, code of conduct accepted), so their demo
    contributions are not held for review like a new account's."""
    User = get_user_model()
    emails = {spec["key"]: f"{spec['key']}@{DEMO_EMAIL_DOMAIN}" for spec in specs}
    existing = {user.email: user for user in User.objects.filter(email__in=emails.values())}
    people = {}
    for spec in specs:
        user = existing.get(emails[spec["key"]])
        if user is None:
            now = timezone.now()
            user = User(
                email=emails[spec["key"]],
                name=spec["name"],
                trusted_at=now,
                code_of_conduct_accepted_at=now,
            )
            user.set_unusable_password()
            user.organisation = organisation_get_or_create(spec["organisation"])
            for role in spec.get("roles", []):
                setattr(user, ROLE_FLAGS[role], True)
            user.save()
            report.people += 1
        people[spec["key"]] = user
    return people


def _join(community: Community, user, key: str) -> None:
    role = (
        MemberRole.FACILITATOR if key.startswith(("facilitator", "webber")) else MemberRole.MEMBER
    )
    membership_grant(community=community, member=user, role=role)


@transaction.atomic
def load_demo_activity() -> ActivityReport:
    data = json.loads(ACTIVITY_FILE.read_text(encoding="utf-8"))
    report = ActivityReport()
    people = _people(data["people"], report)
    communities = Community.objects.in_bulk(field_name="slug")
    instruments = Instrument.objects.in_bulk(field_name="slug")
    sectors = Sector.objects.in_bulk(field_name="slug")
    filled = set(JournalEntry.objects.values_list("community__slug", flat=True).distinct())
    shared = set(
        Experience.objects.filter(author__in=people.values()).values_list(
            "author_id", "instrument__slug", "community__slug"
        )
    )

    for spec in data["journal"]:
        community, author = communities.get(spec["community"]), people[spec["author"]]
        if community is None or spec["community"] in filled:
            continue
        _join(community, author, spec["author"])
        journal_entry_create(
            user=author,
            community=community,
            kind=spec["kind"],
            date=datetime.date.fromisoformat(spec["date"]),
            title=spec["title"],
            phase=spec["phase"],
            sub_phase=spec.get("sub_phase", ""),
            sprint_number=spec.get("sprint_number"),
            text=spec["text"],
            instruments=[instruments[slug] for slug in spec["instruments"]],
            value_stories=spec["value_stories"],
        )
        report.journal_entries += 1

    for spec in data["experiences"]:
        community, author = communities.get(spec["community"]), people[spec["author"]]
        instrument = instruments[spec["instrument"]]
        if community is None or (author.pk, spec["instrument"], spec["community"]) in shared:
            continue
        _join(community, author, spec["author"])
        experience_create(
            author=author,
            instrument=instrument,
            community=community,
            sector=sectors.get(spec["sector"]),
            level=spec["level"],
            phase=spec["phase"],
            group_size=spec["group_size"],
            what_was_done=spec["what_was_done"],
            what_worked=spec["what_worked"],
            what_did_not=spec["what_did_not"],
            adaptation=spec["adaptation"],
            rating=spec["rating"],
            would_recommend=spec["would_recommend"],
            **{PARTNER_FLAGS[p]: True for p in spec["partners"]},
        )
        report.experiences += 1
    return report
