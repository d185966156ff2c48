"""A community's meetings as an iCalendar document (RFC 5545), built with ``icalendar``.

Journal entries have a date and no time, so each meeting is an all-day event
(``DTSTART;VALUE=DATE`` and the next day as ``DTEND``). Its ``UID`` is built from the
entry's key and the site's host, so a calendar app updates an event rather than adding a
second one when the entry changes; ``DTSTAMP`` and ``LAST-MODIFIED`` are when the entry
last changed, so the same data gives the same document.
"""

from __future__ import annotations

import datetime
import html
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from communities.models import Community
from instruments.constants import Phase
from journal.models import JournalEntry
from lib.markdown import render_markdown

PRODID = "-//Samenspel//Community agenda//NL"


def plain_text(markdown_text: str) -> str:
    """Markdown as plain text for ``DESCRIPTION``: rendered, tags dropped, entities undone."""
    return html.unescape(strip_tags(render_markdown(markdown_text))).strip()


def event_uid(entry: JournalEntry) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"journal-entry-{entry.pk}@{host}"


def community_calendar(
    *, community: Community, meetings: list[JournalEntry], absolute_url
) -> bytes:
    """The calendar of ``meetings``; ``absolute_url(path)`` makes each entry's URL absolute."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    name = _("Meetings of %(name)s") % {"name": community.name}
    calendar.add("x-wr-calname", name)
    calendar.add("name", name)
    calendar.add("url", absolute_url(community.get_absolute_url()))
    for entry in meetings:
        event = Event()
        event.add("uid", event_uid(entry))
        event.add("dtstamp", entry.updated_at)
        event.add("created", entry.created_at)
        event.add("last-modified", entry.updated_at)
        event.add("dtstart", entry.date)
        event.add("dtend", entry.date + datetime.timedelta(days=1))
        event.add("summary", entry.title)
        description = plain_text(entry.text)
        if description:
            event.add("description", description)
        event.add("url", absolute_url(entry.get_absolute_url()))
        event.add("categories", [str(Phase(entry.phase).label)])
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()
