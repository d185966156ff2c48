"""Notifications as background work: ``notify_*`` queue a task with ids in the
"notifications" group, and the task decides when it runs, on what is true then."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core import mail
from django_q.models import Schedule

from communities.services import membership_leave
from experiences.tests.factories import make_experience
from journal.tests.factories import make_entry
from moderation.constants import ModerationState
from moderation.services import set_state
from notifications.models import Notification
from notifications.services import follow_create
from notifications.tasks import send_digests
from questions.tests.factories import make_answer, make_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(held_queue):
    """Notification tasks run when the test says so; other groups (search indexing) are not
    ours to run."""
    return held_queue


def test_a_new_experience_queues_its_fan_out_by_id_and_notifies_no_one_yet(
    queue, instrument, member, outsider
):
    follow_create(user=outsider, target=instrument)

    experience = queue.commit(lambda: make_experience(instrument=instrument, author=member))

    assert queue.of_group("notifications") == [
        ("notifications.tasks.notify_new_experience", (experience.pk,), "notifications", {})
    ]
    assert not Notification.objects.exists()
    queue.run("notifications")
    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [outsider.pk]


def test_an_experience_hidden_before_the_task_runs_notifies_nobody(
    queue, instrument, member, outsider
):
    follow_create(user=outsider, target=instrument)
    experience = queue.commit(lambda: make_experience(instrument=instrument, author=member))

    set_state(experience, ModerationState.HIDDEN)
    queue.run("notifications")

    assert not Notification.objects.exists()


def test_an_experience_deleted_before_the_task_runs_notifies_nobody(
    queue, instrument, member, outsider
):
    follow_create(user=outsider, target=instrument)
    experience = queue.commit(lambda: make_experience(instrument=instrument, author=member))

    experience.delete()
    queue.run("notifications")

    assert not Notification.objects.exists()


def test_an_answer_on_a_question_hidden_before_the_task_runs_notifies_nobody(
    queue, member, observer
):
    question = make_question(author=observer)
    queue.commit(lambda: make_answer(question=question, author=member))

    set_state(question, ModerationState.HIDDEN)
    queue.run("notifications")

    assert not Notification.objects.exists()


def test_who_may_read_is_decided_when_the_task_runs(queue, communities, facilitator, observer):
    community = communities["members"]
    follow_create(user=observer, target=community)
    queue.commit(lambda: make_entry(community=community, author=facilitator))

    membership_leave(user=observer, community=community)
    queue.run("notifications")

    assert not Notification.objects.filter(recipient=observer).exists()


def test_the_weekly_digest_task_mails_what_the_command_would(instrument, member, outsider):
    follow_create(user=outsider, target=instrument)
    make_experience(instrument=instrument, author=member, what_was_done="Een open sessie.")

    summary = send_digests(days=7)

    assert summary == "Digest of the last 7 days: mailed: 1 (with 1 items), nothing new: 0."
    assert [m.to for m in mail.outbox] == [[outsider.email]]
    assert "Een open sessie." in mail.outbox[0].body


def test_the_weekly_digest_is_scheduled_once_however_often_migrate_runs():
    migration = importlib.import_module("notifications.migrations.0005_weekly_digest_schedule")

    migration.create_schedule(apps, None)  # a second run, after the one of the test database

    schedule = Schedule.objects.get(name=migration.NAME)
    assert schedule.func == "notifications.tasks.send_digests"
    assert schedule.schedule_type == Schedule.WEEKLY
    assert schedule.repeats == -1
    assert Schedule.objects.filter(func="notifications.tasks.send_digests").count() == 1
