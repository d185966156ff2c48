"""A community's journal feed and meetings calendar: public communities for anyone, closed
ones only with a member's personal feed token; anything else is 404, as if the community
did not exist. Read by feedparser and icalendar, as feed readers and calendar apps do."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from feeds.services import feed_token_revoke, feed_token_rotate
from feeds.tests.conftest import parse
from journal.tests.factories import make_entry

pytestmark = pytest.mark.django_db


def journal_url(community) -> str:
    return f"/communities/{community.slug}/journaal/feed/"


def agenda_url(community) -> str:
    return f"/communities/{community.slug}/agenda.ics"


def parse_calendar(response) -> Calendar:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


URLS = [journal_url, agenda_url]


# (visibility, reader, status): one world serves the whole matrix.
ACCESS = [
    ("public", "anonymous", 200),
    ("public", "member", 200),
    ("public", "wrong", 404),
    ("members", "anonymous", 404),
    ("members", "outsider", 404),
    ("members", "wrong", 404),
    ("members", "member", 200),
    ("confidential", "anonymous", 404),
    ("confidential", "outsider", 404),
    ("confidential", "wrong", 404),
    ("confidential", "member", 200),
]


@pytest.mark.parametrize("url", URLS)
def test_who_may_read_a_communitys_feeds(client, world, member_token, outsider_token, url):
    params = {
        "anonymous": {},
        "member": {"token": member_token},
        "outsider": {"token": outsider_token},
        "wrong": {"token": member_token[:-2] + "xx"},
    }
    for visibility, reader, status in ACCESS:
        response = client.get(url(world["communities"][visibility]), params[reader])
        assert response.status_code == status, (visibility, reader)
        # A token authenticates this one read: no session is started (a 404 page may
        # still carry the CSRF cookie of its language form).
        assert settings.SESSION_COOKIE_NAME not in response.cookies


@pytest.mark.parametrize("url", URLS)
def test_a_members_session_without_a_token_gets_404_for_a_closed_community(world, url):
    member = Client()
    member.force_login(world["member"])
    assert member.get(url(world["communities"]["confidential"])).status_code == 404


@pytest.mark.parametrize("url", URLS)
def test_a_revoked_or_replaced_token_gets_404(client, world, url):
    community = world["communities"]["confidential"]
    _token, old = feed_token_rotate(user=world["member"])
    _token, new = feed_token_rotate(user=world["member"])
    assert client.get(url(community), {"token": old}).status_code == 404
    assert client.get(url(community), {"token": new}).status_code == 200
    feed_token_revoke(user=world["member"])
    assert client.get(url(community), {"token": new}).status_code == 404


@pytest.mark.parametrize("url", URLS)
def test_a_token_stops_working_when_its_owner_leaves_the_community(
    client, world, member_token, url
):
    community = world["communities"]["members"]
    community.memberships.filter(user=world["member"]).delete()
    assert client.get(url(community), {"token": member_token}).status_code == 404


@pytest.mark.parametrize("url", URLS)
def test_a_personal_feed_is_kept_out_of_shared_caches_and_search_engines(
    client, world, member_token, url
):
    response = client.get(url(world["communities"]["members"]), {"token": member_token})
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"
    public = client.get(url(world["communities"]["public"]))
    assert "private" not in public.get("Cache-Control", "")


def test_the_journal_feed_has_the_communitys_entries_newest_first(client, world):
    community = world["communities"]["public"]
    feed = parse(client.get(journal_url(community)))
    meeting, decision = world["entries"]["public"]
    assert [entry.title for entry in feed.entries] == [meeting.title, decision.title]
    first = feed.entries[0]
    assert first.link == f"http://127.0.0.1:8000{meeting.get_absolute_url()}"
    assert first.author == "Fenna Facilitator"
    assert "<strong>opgave</strong>" in first.summary  # Markdown rendered, and safe
    assert "&lt;volgende&gt;" in first.summary
    assert {tag.term for tag in first.tags} == {"Bijeenkomst", "Starten"}
    again = parse(client.get(journal_url(community)))
    assert [e.id for e in again.entries] == [e.id for e in feed.entries]
    assert all(e.id.startswith("tag:127.0.0.1,") for e in feed.entries)
    # Nothing from the closed communities.
    assert "confidential" not in client.get(journal_url(community)).content.decode()


def test_a_members_feed_subscribes_to_itself_with_the_token(client, world, member_token):
    community = world["communities"]["confidential"]
    feed = parse(client.get(journal_url(community), {"token": member_token}))
    links = {link.rel: link.href for link in feed.feed.links}
    assert links["self"].endswith(f"{journal_url(community)}?token={member_token}")
    assert [e.title for e in feed.entries] == [e.title for e in world["entries"]["confidential"]]


def test_the_journal_feed_sets_last_modified_from_the_newest_change(client, world):
    community = world["communities"]["public"]
    response = client.get(journal_url(community))
    assert response["Last-Modified"]
    again = client.get(
        journal_url(community), headers={"if-modified-since": response["Last-Modified"]}
    )
    assert again.status_code == 304


def test_the_calendar_has_one_all_day_event_per_meeting_past_and_planned(client, world):
    community = world["communities"]["public"]
    meeting = world["entries"]["public"][0]
    old = make_entry(
        community=community,
        author=world["facilitator"],
        kind="meeting",
        date=meeting.date - datetime.timedelta(days=400),
        title="Heel oude bijeenkomst",
    )
    planned = make_entry(
        community=community,
        author=world["facilitator"],
        kind="meeting",
        date=timezone.localdate() + datetime.timedelta(days=30),
        title="Geplande bijeenkomst",
    )
    calendar = parse_calendar(client.get(agenda_url(community)))

    assert str(calendar["X-WR-CALNAME"]).endswith(community.name)
    events = list(calendar.walk("VEVENT"))
    # Date order; the decision entry of the same community is no meeting.
    assert [str(event["SUMMARY"]) for event in events] == [old.title, meeting.title, planned.title]
    event = events[1]
    assert event.decoded("DTSTART") == meeting.date
    assert event.decoded("DTEND") == meeting.date + datetime.timedelta(days=1)
    assert event["DTSTART"].params["VALUE"] == "DATE"
    assert str(event["UID"]) == f"journal-entry-{meeting.pk}@127.0.0.1"
    assert str(event["URL"]) == f"http://127.0.0.1:8000{meeting.get_absolute_url()}"
    assert str(event["DESCRIPTION"]) == "We bespreken de opgave & de <volgende> stap."
    assert event.decoded("DTSTAMP")


def test_the_calendar_is_the_same_document_when_nothing_changed(client, world):
    community = world["communities"]["public"]
    first = client.get(agenda_url(community))
    second = client.get(agenda_url(community))
    assert first.content == second.content
    uids = [str(e["UID"]) for e in parse_calendar(first).walk("VEVENT")]
    assert uids == [str(e["UID"]) for e in parse_calendar(second).walk("VEVENT")]
    assert (
        client.get(
            agenda_url(community), headers={"if-modified-since": first["Last-Modified"]}
        ).status_code
        == 304
    )


def test_a_community_without_meetings_has_an_empty_valid_calendar(client, world):
    community = world["communities"]["public"]
    community.journal_entries.filter(kind="meeting").delete()
    calendar = parse_calendar(client.get(agenda_url(community)))
    assert list(calendar.walk("VEVENT")) == []
    assert calendar["X-WR-CALNAME"]


def test_a_public_communitys_pages_link_its_feeds(client, world):
    community = world["communities"]["public"]
    for page in (community.get_absolute_url(), f"/communities/{community.slug}/journaal/"):
        html = client.get(page).content.decode()
        assert (
            f'rel="alternate" type="application/atom+xml" href="{journal_url(community)}"' in html
        )
        assert f'href="{agenda_url(community)}" type="text/calendar"' in html


def test_a_closed_communitys_pages_send_members_to_their_profile(world):
    community = world["communities"]["members"]
    member = Client()
    member.force_login(world["member"])
    html = member.get(community.get_absolute_url()).content.decode()
    assert journal_url(community) not in html  # the feed needs a token: not on the page
    assert 'href="/account/profiel/#feeds"' in html
