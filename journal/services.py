"""Writes to a community's development journal.

Members and facilitators write entries; the author and the community's facilitators
change or delete them (observers only read). Value stories are saved with their entry,
never on their own, so an entry and its stories always change together.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from communities.models import Community, MemberRole
from communities.selectors import check_member
from instruments.models import Instrument
from journal.models import JournalAttachment, JournalEntry, ValueStory
from moderation.services import check_can_contribute, hold_for_review, initial_state

# Marked with gettext_noop so that makemessages finds them; translated where raised.
MESSAGE_NOT_AUTHOR = gettext_noop(
    "Only the author of this entry and the community's facilitators can change it."
)
MESSAGE_UNKNOWN_INSTRUMENT = gettext_noop(
    "One of the chosen instruments does not exist or is not visible to you."
)
MESSAGE_UNKNOWN_STORY = gettext_noop("One of the value stories does not belong to this entry.")

ENTRY_FIELDS = ["kind", "date", "title", "phase", "sub_phase", "sprint_number", "text"]
STORY_FIELDS = ["cycle", "capital", "text"]


def check_journal_write_permission(user, community: Community) -> None:
    """Facilitators and members write entries; observers and outsiders may not."""
    check_member(user, community)


def can_edit_entry(user, entry: JournalEntry, *, role: str | None) -> bool:
    """Whether ``user`` (whose role in the entry's community is ``role``) may change ``entry``.

    Taking the role as an argument lets a page that already knows it ask this for many
    entries without a query each.
    """
    if role == MemberRole.FACILITATOR:
        return True
    return role == MemberRole.MEMBER and entry.author_id == user.pk


def check_journal_entry_edit_permission(user, entry: JournalEntry) -> None:
    """The author (while still a member) and the community's facilitators edit an entry."""
    role = check_member(user, entry.community)
    if not can_edit_entry(user, entry, role=role):
        raise PermissionDenied(_(MESSAGE_NOT_AUTHOR))


def _chosen_instruments(user, instruments: Iterable[Instrument]) -> list[Instrument]:
    """The chosen instruments, each of which must be visible to ``user``."""
    ids = {instrument.pk for instrument in instruments}
    visible = list(Instrument.objects.visible_to(user).filter(pk__in=ids))
    if len(visible) != len(ids):
        raise ValidationError({"instruments": _(MESSAGE_UNKNOWN_INSTRUMENT)})
    return visible


def _save_stories(entry: JournalEntry, stories: Iterable[dict]) -> None:
    """Make the entry's value stories exactly ``stories``.

    Each story is a dict with ``cycle``, ``capital`` and ``text``, and ``id`` for a story
    the entry already has; the entry's other stories are deleted.
    """
    existing = {story.pk: story for story in entry.value_stories.all()}
    keep: set[int] = set()
    for data in stories:
        story_id = data.get("id")
        if story_id is not None:
            if story_id not in existing:
                raise ValidationError(_(MESSAGE_UNKNOWN_STORY))
            story = existing[story_id]
            keep.add(story_id)
        else:
            story = ValueStory(entry=entry)
        story.cycle = data["cycle"]
        story.capital = data.get("capital") or ""
        story.text = data["text"].strip()
        story.full_clean()
        if story.pk:
            story.save(update_fields=STORY_FIELDS)
        else:
            story.save()
    ValueStory.objects.filter(pk__in=set(existing) - keep).delete()


def _apply_fields(entry: JournalEntry, fields: dict) -> None:
    entry.kind = fields["kind"]
    entry.date = fields["date"]
    entry.title = fields["title"].strip()
    entry.phase = fields["phase"]
    entry.sub_phase = fields.get("sub_phase") or ""
    entry.sprint_number = fields.get("sprint_number")
    entry.text = (fields.get("text") or "").strip()


@transaction.atomic
def journal_entry_create(
    *,
    user,
    community: Community,
    kind: str,
    date: datetime.date,
    title: str,
    phase: str,
    sub_phase: str = "",
    sprint_number: int | None = None,
    text: str = "",
    instruments: Iterable[Instrument] = (),
    value_stories: Iterable[dict] = (),
) -> JournalEntry:
    """Add an entry to ``community``'s journal and notify those who follow it. A new
    account's entry is held for review; the followers hear of it once it is approved."""
    from notifications.services import notify_new_journal_entry

    check_journal_write_permission(user, community)
    check_can_contribute(user)
    entry = JournalEntry(community=community, author=user, moderation_state=initial_state(user))
    _apply_fields(
        entry,
        {
            "kind": kind,
            "date": date,
            "title": title,
            "phase": phase,
            "sub_phase": sub_phase,
            "sprint_number": sprint_number,
            "text": text,
        },
    )
    entry.full_clean()
    entry.save()
    entry.instruments.set(_chosen_instruments(user, instruments))
    _save_stories(entry, value_stories)
    if entry.is_pending:
        hold_for_review(entry)
    else:
        notify_new_journal_entry(entry)
    return entry


@transaction.atomic
def journal_entry_update(
    *,
    user,
    entry: JournalEntry,
    kind: str,
    date: datetime.date,
    title: str,
    phase: str,
    sub_phase: str = "",
    sprint_number: int | None = None,
    text: str = "",
    instruments: Iterable[Instrument] = (),
    value_stories: Iterable[dict] = (),
) -> JournalEntry:
    """Change an entry and its value stories.

    Instruments the editor cannot see (another provider's draft, say) stay linked: the
    editor could not have unticked them.
    """
    check_journal_entry_edit_permission(user, entry)
    _apply_fields(
        entry,
        {
            "kind": kind,
            "date": date,
            "title": title,
            "phase": phase,
            "sub_phase": sub_phase,
            "sprint_number": sprint_number,
            "text": text,
        },
    )
    entry.full_clean()
    entry.save(update_fields=[*ENTRY_FIELDS, "updated_at"])
    hidden = entry.instruments.exclude(pk__in=Instrument.objects.visible_to(user).values("pk"))
    entry.instruments.set([*_chosen_instruments(user, instruments), *hidden])
    _save_stories(entry, value_stories)
    return entry


def _delete_files(names: list[str], storage) -> None:
    for name in names:
        storage.delete(name)


@transaction.atomic
def journal_entry_delete(*, user, entry: JournalEntry) -> None:
    """Delete an entry with its value stories and attachments (their files too)."""
    check_journal_entry_edit_permission(user, entry)
    names = [a.file.name for a in entry.attachments.all() if a.file]
    storage = JournalAttachment._meta.get_field("file").storage
    entry.delete()
    # Files are not transactional: remove them only once the rows are gone for good.
    transaction.on_commit(lambda: _delete_files(names, storage))


@transaction.atomic
def journal_attachment_add(
    *, user, entry: JournalEntry, title: str, uploaded_file, content_type: str
) -> JournalAttachment:
    """Attach a file that ``lib.uploads.validate_attachment`` has already accepted."""
    check_journal_entry_edit_permission(user, entry)
    attachment = JournalAttachment(
        entry=entry,
        title=title.strip(),
        file=uploaded_file,
        content_type=content_type,
        size=uploaded_file.size,
        uploaded_by=user,
    )
    attachment.full_clean()
    attachment.save()
    return attachment
