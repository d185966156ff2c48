"""Writes of scans: definitions and their versions, rounds, answers, and the journal entry
a round leaves behind. Every function checks its own permissions:

- the instrument's provider (its owner) and staff write scan definitions;
- a community's facilitators start and close rounds, and hide an abusive open answer;
- facilitators and members answer (observers only read, as everywhere);
- whoever may write the community's journal records a released round in it;
- suspended and banned accounts do none of these (``check_can_contribute``).
"""

from __future__ import annotations

import datetime
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from audit.services import record_event
from communities.models import Community
from communities.selectors import check_facilitator, check_member
from instruments.constants import Phase
from instruments.models import Instrument
from instruments.services import check_instrument_edit_permission
from journal.models import EntryKind
from journal.services import journal_entry_create
from moderation.services import check_can_contribute
from scans.definitions import ItemSpec, assign_keys
from scans.models import (
    ItemAnswer,
    ItemScale,
    Response,
    Round,
    Scan,
    ScanItem,
    ScanVersion,
    minimum_group_size,
)
from scans.selectors import current_version, open_answer_token, round_results

MESSAGE_ROUND_CLOSED = gettext_noop("This round is closed; answers can no longer be changed.")
MESSAGE_NOT_RELEASED = gettext_noop(
    "The results of this round are not shown (yet): it must be closed and have enough answers."
)
MESSAGE_CLOSES_IN_PAST = gettext_noop("The closing date cannot be in the past.")
MESSAGE_MIN_TOO_LOW = gettext_noop("Results need at least %(minimum)d answers.")
MESSAGE_UNKNOWN_SCAN = gettext_noop("This scan does not exist or is not visible to you.")
MESSAGE_ANSWER_MISSING = gettext_noop("Please answer this statement.")
MESSAGE_ANSWER_INVALID = gettext_noop("This is not one of the possible answers.")
MESSAGE_OPEN_TOO_LONG = gettext_noop("At most 2000 characters.")

# Short links are read off a screen and typed on a phone: no 0/O, 1/l/I.
CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
CODE_LENGTH = 7
MAX_OPEN_ANSWER = 2000


def check_scan_edit_permission(user, instrument: Instrument) -> None:
    """The instrument's provider and staff define its scans (like its other content);
    a suspended or banned account writes nothing."""
    check_instrument_edit_permission(user, instrument)
    check_can_contribute(user)


def _write_items(version: ScanVersion, items: list[ItemSpec]) -> None:
    ScanItem.objects.bulk_create(
        ScanItem(
            version=version,
            position=position,
            key=item.key,
            text=item.text,
            scale=item.scale,
            left_pole=item.left_pole if item.scale == ItemScale.BIPOLAR else "",
            right_pole=item.right_pole if item.scale == ItemScale.BIPOLAR else "",
        )
        for position, item in enumerate(items, start=1)
    )


@transaction.atomic
def scan_create(
    *,
    user,
    instrument: Instrument,
    title: str,
    instructions: str,
    items: list[ItemSpec],
    key: str = "",
    check_permission: bool = True,
) -> Scan:
    """A new scan on ``instrument`` with its first version. ``check_permission=False`` is
    for the demo library, which loads scans without a signed-in provider."""
    if check_permission:
        check_scan_edit_permission(user, instrument)
    base = key or slugify(title)[:90] or "scan"
    key, n = base, 2
    while Scan.objects.filter(instrument=instrument, key=key).exists():
        key = f"{base}-{n}"
        n += 1
    scan = Scan.objects.create(instrument=instrument, key=key, created_by=user)
    version = ScanVersion.objects.create(
        scan=scan, number=1, title=title, instructions=instructions, created_by=user
    )
    _write_items(version, assign_keys(items))
    return scan


@transaction.atomic
def scan_update(
    *, user, scan: Scan, title: str, instructions: str, items: list[ItemSpec], note: str = ""
) -> ScanVersion:
    """Change a scan. A version nobody answered yet is changed in place; once it has
    answers, the change becomes a new version, so earlier answers keep their statements.
    Items with unchanged text keep their key, so rounds of both versions compare."""
    check_scan_edit_permission(user, scan.instrument)
    version = ScanVersion.objects.select_for_update().filter(scan=scan).order_by("-number").first()
    previous = list(version.items.all())
    keyed = assign_keys(items, previous)
    if not ItemAnswer.objects.filter(item__version=version).exists():
        version.title, version.instructions, version.note = title, instructions, note
        version.save(update_fields=["title", "instructions", "note"])
        version.items.all().delete()
        _write_items(version, keyed)
        return version
    new = ScanVersion.objects.create(
        scan=scan,
        number=version.number + 1,
        title=title,
        instructions=instructions,
        note=note,
        created_by=user,
    )
    _write_items(new, keyed)
    return new


# --- rounds ---------------------------------------------------------------------------


def _audit(user, action: str, round_: Round) -> None:
    """A facilitator's act on a round, in the audit log under the round's community."""
    record_event(
        actor=user,
        action=action,
        target=round_.community,
        target_label=round_.community.name,
        summary=round_.title,
    )


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _n in range(CODE_LENGTH))


def closing_time(day: datetime.date) -> datetime.datetime:
    """A round open "until" a date takes answers to the end of that day (local time)."""
    end = datetime.datetime.combine(day, datetime.time(23, 59, 59))
    return timezone.make_aware(end)


@transaction.atomic
def round_start(
    *,
    user,
    community: Community,
    scan: Scan,
    title: str,
    closes_on: datetime.date,
    min_responses: int | None = None,
    started_at: datetime.datetime | None = None,
    check_permission: bool = True,
) -> Round:
    """Start a round of ``scan``'s current version in ``community`` and tell its members.

    The results are shown once the round is closed with at least ``min_responses``
    answers; that number can be raised above the platform's minimum, never lowered.
    """
    if check_permission:
        check_facilitator(user, community)
        check_can_contribute(user)
        if not Instrument.objects.visible_to(user).filter(pk=scan.instrument_id).exists():
            raise ValidationError({"scan": _(MESSAGE_UNKNOWN_SCAN)})
    minimum = minimum_group_size()
    min_responses = minimum if min_responses is None else min_responses
    if min_responses < minimum:
        raise ValidationError({"min_responses": _(MESSAGE_MIN_TOO_LOW) % {"minimum": minimum}})
    started_at = started_at or timezone.now()
    closes_at = closing_time(closes_on)
    if closes_at <= started_at:
        raise ValidationError({"closes_on": _(MESSAGE_CLOSES_IN_PAST)})
    for _attempt in range(10):
        code = _new_code()
        if not Round.objects.filter(code=code).exists():
            break
    round_ = Round.objects.create(
        community=community,
        version=current_version(scan),
        code=code,
        title=title,
        closes_at=closes_at,
        min_responses=min_responses,
        started_by=user,
        started_at=started_at,
    )
    if check_permission:
        from notifications.services import notify_scan_round_started

        transaction.on_commit(lambda: notify_scan_round_started(round_))
        _audit(user, "scan.round_started", round_)
    return round_


@transaction.atomic
def round_close(*, user, round_: Round) -> Round:
    """Stop taking answers now (a facilitator, e.g. at the meeting before the discussion)."""
    check_facilitator(user, round_.community)
    if round_.is_open():
        round_.closed_at = timezone.now()
        round_.save(update_fields=["closed_at"])
        _audit(user, "scan.round_closed", round_)
    return round_


def _clean_answers(items, values: dict, texts: dict) -> tuple[dict, dict]:
    """Validated ``{item_key: value}`` and ``{item_key: text}``; errors by item key."""
    errors, clean_values, clean_texts = {}, {}, {}
    for item in items:
        if item.is_open:
            text = (texts.get(item.key) or "").strip()
            if len(text) > MAX_OPEN_ANSWER:
                errors[item.key] = _(MESSAGE_OPEN_TOO_LONG)
            elif text:
                clean_texts[item.key] = text
            continue
        raw = values.get(item.key)
        if raw in (None, ""):
            errors[item.key] = _(MESSAGE_ANSWER_MISSING)
            continue
        try:
            value = int(raw)
        except (TypeError, ValueError):
            value = None
        if value not in item.values:
            errors[item.key] = _(MESSAGE_ANSWER_INVALID)
        else:
            clean_values[item.key] = value
    if errors:
        raise ValidationError(errors)
    return clean_values, clean_texts


@transaction.atomic
def response_save(
    *, user, round_: Round, values: dict, texts: dict, check_permission: bool = True
) -> Response:
    """Save ``user``'s answers to ``round_``: a first answer, or a change while it is open.

    Every scored item needs an answer; open questions may stay empty. One response per
    member per round (a database constraint, so a double submit changes, never adds).
    """
    if check_permission:
        check_member(user, round_.community)
        check_can_contribute(user)
        if not round_.is_open():
            raise PermissionDenied(_(MESSAGE_ROUND_CLOSED))
    items = list(round_.version.items.all())
    clean_values, clean_texts = _clean_answers(items, values, texts)
    try:
        with transaction.atomic():
            response, _created = Response.objects.get_or_create(round=round_, respondent=user)
    except IntegrityError:
        response = Response.objects.get(round=round_, respondent=user)
    response.save(update_fields=["updated_at"])
    response.answers.all().delete()
    ItemAnswer.objects.bulk_create(
        ItemAnswer(
            response=response,
            item=item,
            value=clean_values.get(item.key),
            text=clean_texts.get(item.key, ""),
        )
        for item in items
        if item.key in clean_values or item.key in clean_texts
    )
    return response


@transaction.atomic
def open_answer_hide(*, user, round_: Round, token: str) -> bool:
    """A facilitator takes an open answer out of the round's results (it is abusive, or
    names someone). The answer is found by its token, so the facilitator never handles
    its id; they learn nothing about who wrote it. False when no answer has ``token``."""
    check_facilitator(user, round_.community)
    answers = ItemAnswer.objects.filter(
        response__round=round_, item__scale=ItemScale.OPEN, hidden_at__isnull=True
    ).values_list("pk", flat=True)
    for answer_id in answers:
        if constant_time_compare(open_answer_token(answer_id), token):
            ItemAnswer.objects.filter(pk=answer_id).update(hidden_at=timezone.now())
            _audit(user, "scan.open_answer_hidden", round_)
            return True
    return False


@transaction.atomic
def round_journal_entry(*, user, round_: Round):
    """Record a released round in the community's journal, once; later clicks lead to it.

    The entry names the round, the number of answers and the discussion points (items of
    greatest disagreement), never an individual answer.
    """
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.journal_entry_id:
        return round_.journal_entry
    results = round_results(round_)
    if results is None:
        raise ValidationError(_(MESSAGE_NOT_RELEASED))
    community = round_.community
    entry = journal_entry_create(
        user=user,
        community=community,
        kind=EntryKind.MEETING,
        date=timezone.localdate(),
        title=(_("Scan: %(title)s") % {"title": round_.title})[:200],
        phase=community.current_phase or Phase.UITVOEREN,
        text=results.journal_text(),
        instruments=[round_.version.scan.instrument],
    )
    round_.journal_entry = entry
    round_.save(update_fields=["journal_entry"])
    return entry
