"""``send_digest``: a weekly mail of what is new in what one follows, only what one may see."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accounts.tests.factories import UserFactory
from communities.services import membership_leave
from experiences.models import Experience
from experiences.tests.factories import make_experience
from journal.tests.factories import make_entry
from notifications.services import follow_create
from questions.tests.factories import make_answer, make_question

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = StringIO()
    call_command("send_digest", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def _mail_to(user):
    (message,) = [m for m in mail.outbox if m.to == [user.email]]
    return message


def test_the_digest_has_what_is_new_in_what_one_follows(
    communities, instrument, member, observer, outsider, provider
):
    follow_create(user=observer, target=communities["members"])
    follow_create(user=observer, target=instrument)
    question = make_question(author=observer, title="Wie kent een sprintbord?")
    make_experience(instrument=instrument, author=member, what_was_done="We deden een open sessie.")
    make_entry(community=communities["members"], author=member, title="Besloten overleg")
    make_answer(question=question, author=provider, body="Probeer het sprintbord.")

    output = _run()

    message = _mail_to(observer)
    html = message.alternatives[0][0]
    for text in ("We deden een open sessie.", "Besloten overleg", "Wie kent een sprintbord?"):
        assert text in message.body
        assert text in html
    assert message.alternatives[0][1] == "text/html"
    assert "http://" in message.body  # absolute links
    assert "mailed: 1 (with 3 items), nothing new: 0." in output


def test_the_digest_holds_only_what_the_recipient_may_see(
    communities, instrument, facilitator, member, outsider
):
    follow_create(user=outsider, target=instrument)
    follow_create(user=outsider, target=communities["public"])
    make_experience(
        instrument=instrument,
        author=member,
        community=communities["confidential"],
        what_was_done="Geheime werksessie",
    )
    make_experience(
        instrument=instrument,
        author=member,
        community=communities["members"],
        what_was_done="Besloten werksessie",
    )
    make_experience(
        instrument=instrument,
        author=member,
        community=communities["public"],
        what_was_done="Open werksessie",
    )

    _run()

    message = _mail_to(outsider)
    for part in (message.body, message.alternatives[0][0]):
        assert "Open werksessie" in part
        assert "Besloten werksessie" not in part
        assert "Geheime werksessie" not in part


def test_someone_who_left_a_community_gets_nothing_from_it(communities, member, observer):
    community = communities["members"]
    follow_create(user=observer, target=community)
    make_entry(community=community, author=member)
    membership_leave(user=observer, community=community)

    output = _run()

    assert mail.outbox == []
    assert "mailed: 0 (with 0 items), nothing new: 1." in output


def test_people_with_nothing_new_get_no_mail(communities, instrument, member, outsider, provider):
    follow_create(user=outsider, target=instrument)
    old = make_experience(instrument=instrument, author=member)
    Experience.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    make_question(author=provider)  # the asker follows it, but nobody answered
    own = make_question(author=outsider)
    make_answer(question=own, author=outsider)  # one's own answer is not news

    output = _run("--days", "7")

    assert mail.outbox == []
    assert "mailed: 0 (with 0 items), nothing new: 2." in output


def test_a_longer_period_reaches_further_back(instrument, member, outsider):
    follow_create(user=outsider, target=instrument)
    old = make_experience(instrument=instrument, author=member)
    Experience.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))

    _run("--days", "10")

    assert len(mail.outbox) == 1


def test_a_dry_run_sends_nothing_but_says_who_would_get_what(instrument, member, outsider):
    follow_create(user=outsider, target=instrument)
    make_experience(instrument=instrument, author=member)

    output = _run("--dry-run")

    assert mail.outbox == []
    assert f"would mail {outsider.email}: 1 item(s)" in output
    assert "would be mailed: 1 (with 1 items)" in output


def test_progress_is_reported_every_n_people(instrument, member):
    for _ in range(5):
        follow_create(user=UserFactory(), target=instrument)
    make_experience(instrument=instrument, author=member)

    output = _run("--progress-every", "2")

    assert "2/5 people checked" in output
    assert "4/5 people checked" in output
    assert "5/5 people checked, 5 mailed" in output
    assert len(mail.outbox) == 5
