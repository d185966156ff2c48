"""The visibility proof of issue 3, across every read path built so far.

A confidential and a members-only community each hold a journal entry with a value
story, an experience with a low rating, and a comment, all marked with a unique word.
Anonymous visitors and outsiders crawl every page that lists, counts or aggregates
content and must find no trace of them; members, observers and facilitators must.
"""

from __future__ import annotations

import pytest

from accounts.tests.factories import UserFactory, signed_in_client
from comments.tests.factories import make_comment
from communities.tests.factories import add_member, make_community
from experiences.tests.factories import make_experience
from instruments.tests.factories import InstrumentFactory
from journal.tests.factories import make_entry
from notifications.services import follow_create

pytestmark = pytest.mark.django_db

CLOSED = {"confidential": "Vertrouwelijkgeheim", "members": "Ledengeheim"}


@pytest.fixture
def world():
    instrument = InstrumentFactory(n="gedeeld", title="Gedeeld instrument", sectors=["energie"])
    facilitator = UserFactory(name="Fien Facilitator")
    member, observer = UserFactory(name="Mo Member"), UserFactory(name="Olle Observer")
    outsider = UserFactory(name="Otto Outsider")
    follow_create(user=outsider, target=instrument)
    spaces = {}
    for visibility, word in CLOSED.items():
        community = make_community(
            facilitator=facilitator,
            visibility=visibility,
            name=f"Community {word}",
            challenge=f"Opgave {word}",
        )
        add_member(community, member, "member")
        add_member(community, observer, "observer")
        entry = make_entry(
            community=community,
            author=member,
            title=f"Journaal {word}",
            instruments=[instrument],
            value_stories=[{"cycle": "immediate", "capital": "", "text": f"Waarde {word}"}],
        )
        experience = make_experience(
            instrument=instrument,
            author=member,
            community=community,
            what_worked=f"Ervaring {word}",
            rating=1,
        )
        make_comment(target=entry, author=member, body=f"Reactie {word}")
        spaces[visibility] = {"community": community, "entry": entry, "experience": experience}
    return {
        "instrument": instrument,
        "spaces": spaces,
        "people": {
            "facilitator": facilitator,
            "member": member,
            "observer": observer,
            "outsider": outsider,
        },
    }


def _pages(world) -> list[str]:
    pages = [
        "/",
        "/communities/",
        "/communities/?visibility=confidential",
        "/ervaringen/",
        "/vragen/",
        "/vragen/vraag-en-aanbod/",
        world["instrument"].get_absolute_url(),
        "/instrumenten/",
        "/fasen/starten/",
    ]
    for space in world["spaces"].values():
        community = space["community"]
        pages += [
            community.get_absolute_url(),
            f"{community.get_absolute_url()}journaal/",
            f"{community.get_absolute_url()}journaal/waarde/",
            f"{community.get_absolute_url()}leden/",
            space["entry"].get_absolute_url(),
            space["experience"].get_absolute_url(),
        ]
    return pages


def _crawl(client, pages) -> str:
    """All the HTML the person can reach on ``pages`` (404s and redirects add nothing)."""
    html = []
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 302, 403, 404), (url, response.status_code)
        if response.status_code == 200:
            html.append(response.content.decode())
    return "\n".join(html)


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_nothing_closed_reaches_anyone_outside(world, who):
    user = world["people"].get(who)
    html = _crawl(signed_in_client(user), _pages(world) + ["/meldingen/"])

    for word in CLOSED.values():
        for marker in ("Journaal", "Waarde", "Ervaring", "Reactie"):
            assert f"{marker} {word}" not in html, (who, marker, word)
    assert "Vertrouwelijkgeheim" not in html  # not even the confidential community's name
    assert "Community Ledengeheim" in html  # a members-only community is listed


@pytest.mark.parametrize("who", ["member", "observer", "facilitator"])
def test_members_see_their_communities_content(world, who):
    html = _crawl(signed_in_client(world["people"][who]), _pages(world))

    for word in CLOSED.values():
        for marker in ("Journaal", "Waarde", "Ervaring", "Reactie"):
            assert f"{marker} {word}" in html, (who, marker, word)


@pytest.mark.parametrize("who", ["anonymous", "outsider", "member"])
def test_where_it_worked_counts_only_what_the_viewer_may_see(world, who):
    from experiences.selectors import where_it_worked

    user = world["people"].get(who)
    viewer = user if user is not None else _anonymous()
    summary = where_it_worked(user=viewer, instrument=world["instrument"])

    expected = 2 if who == "member" else 0
    assert summary.count == expected


def test_an_outsider_following_the_instrument_is_not_notified_of_closed_content(world):
    outsider = world["people"]["outsider"]

    assert outsider.notifications.count() == 0
    assert signed_in_client(outsider).get("/meldingen/").context["unread_notification_count"] == 0


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()
