"""The timeline and the journal's other lists run a fixed number of queries however many
entries, instruments, attachments and stories they show.

A change in these numbers is a reviewed decision: update the comment with the reason.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from instruments.tests.factories import InstrumentFactory
from journal.services import journal_attachment_add
from journal.tests.conftest import PDF
from journal.tests.factories import make_entry

pytestmark = pytest.mark.django_db


def _make(community, author, n: int, prefix: str) -> None:
    instruments = [InstrumentFactory(n=f"{prefix}-{i}") for i in range(2)]
    for i in range(n):
        entry = make_entry(
            community=community,
            author=author,
            title=f"{prefix} {i}",
            date=datetime.date(2025, 1 + i % 12, 1),
            instruments=instruments,
            value_stories=[
                {"cycle": "immediate", "text": "Direct"},
                {"cycle": "potential", "capital": "human", "text": "Potentieel"},
            ],
        )
        upload = SimpleUploadedFile(f"{prefix}{i}.pdf", PDF, content_type="application/pdf")
        journal_attachment_add(
            user=author,
            entry=entry,
            title="Verslag",
            uploaded_file=upload,
            content_type="application/pdf",
        )


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("query", ["", "?fase=starten", "?instrument=instrument-a-0"])
def test_the_timeline_query_count_is_constant(client, community, facilitator, query):
    url = f"/communities/{community.slug}/journaal/{query}"
    _make(community, facilitator, 3, "a")
    small = _count(client, url)
    _make(community, facilitator, 12, "b")

    # 1 the community with the viewer's role, 1 count for the paginator, 1 page of entries
    # with their authors, 1 visible instruments, 1 attachments, 1 value stories,
    # 1 instruments for the filter.
    assert _count(client, url) == small == 7


def test_a_signed_in_member_adds_only_the_session_and_user(member_client, community, facilitator):
    _make(community, facilitator, 3, "a")

    # The 7 of the anonymous timeline, plus 1 session, 1 user and 1 unread notifications.
    assert _count(member_client, f"/communities/{community.slug}/journaal/") == 10


def test_the_value_overview_query_count_is_constant(client, community, facilitator):
    url = f"/communities/{community.slug}/journaal/waarde/"
    _make(community, facilitator, 3, "a")
    small = _count(client, url)
    _make(community, facilitator, 12, "b")

    # 1 the community, 1 counts per cycle and month, 1 latest story per cycle with its entry.
    assert _count(client, url) == small == 3


def test_the_entry_page_query_count(client, community, facilitator, member):
    from comments.services import comment_create

    _make(community, facilitator, 1, "a")
    entry = community.journal_entries.get()
    for author in (facilitator, member):
        comment = comment_create(author=author, target=entry, body="Mooi verslag.")
        comment_create(author=facilitator, target=entry, body="Dank je.", parent=comment)

    # 1 the community, 1 the entry with its author, 1 visible instruments, 1 attachments,
    # 1 value stories, 2 comments and their replies (comments.selectors.comment_thread).
    assert _count(client, f"/communities/{community.slug}/journaal/{entry.pk}/") == 7


def test_the_community_section_query_count_is_constant(rf, community, facilitator):
    from journal.sections import journal_section

    request = rf.get("/")
    request.user = facilitator
    community.viewer_can_read, community.viewer_role = True, "facilitator"
    _make(community, facilitator, 3, "a")
    with CaptureQueriesContext(connection) as small:
        journal_section(request, community)
    _make(community, facilitator, 12, "b")
    with CaptureQueriesContext(connection) as large:
        journal_section(request, community)

    # 1 entry count, 1 latest entries with authors, 2 the value overview.
    assert len(large) == len(small) == 4


def test_the_instrument_usage_query_count_is_constant(community, facilitator, outsider):
    from journal.selectors import instrument_usage

    _make(community, facilitator, 3, "a")
    instrument = InstrumentFactory(n="a-0")
    with CaptureQueriesContext(connection) as small:
        instrument_usage(user=outsider, instrument=instrument)
    _make(community, facilitator, 12, "b")
    with CaptureQueriesContext(connection) as large:
        instrument_usage(user=outsider, instrument=instrument)

    # 1 count, 1 newest entries with their communities.
    assert len(large) == len(small) == 2
