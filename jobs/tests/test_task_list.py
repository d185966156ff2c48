"""The staff page of background work (/taken/) and the retry rules of the database queue:
a failing task is tried ``max_attempts`` times, then acknowledged and listed as failed;
staff can try it again or delete it; nobody else can see or touch it."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django_q.conf import Conf
from django_q.models import Failure, OrmQ, Success

from accounts.tests.factories import UserFactory
from audit.models import AuditEvent
from jobs.queue import enqueue
from jobs.tests.worker import make_due, run_queue

pytestmark = pytest.mark.django_db

LIST = reverse("jobs:list")
LIST_EN = f"/en{LIST}"  # for tests that read the English text
RETRY = reverse("jobs:retry")
DELETE = reverse("jobs:delete")


@pytest.fixture(autouse=True)
def three_attempts(monkeypatch):
    """The real queue (not inline), and three attempts whatever the environment says."""
    monkeypatch.setattr(Conf, "MAX_ATTEMPTS", 3)
    with override_settings(TASKS_INLINE=False, Q_CLUSTER={**settings.Q_CLUSTER, "max_attempts": 3}):
        yield


def _queue(django_capture_on_commit_callbacks, func, *args) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(func, *args, group="tests")


@pytest.fixture
def exhausted(django_capture_on_commit_callbacks) -> Failure:
    """A task that failed three times: given up by the queue."""
    _queue(django_capture_on_commit_callbacks, "jobs.tests.tasks.always_fails", "kapot")
    for _ in range(3):
        make_due()
        run_queue()
    return Failure.objects.get()


def test_a_failing_task_is_tried_three_times_then_acknowledged(
    django_capture_on_commit_callbacks,
):
    _queue(django_capture_on_commit_callbacks, "jobs.tests.tasks.always_fails", "kapot")
    assert OrmQ.objects.count() == 1

    attempts = []
    for _ in range(3):
        assert run_queue() == 1
        attempts.append((Failure.objects.get().attempt_count, OrmQ.objects.count()))
        assert run_queue() == 0  # locked until the retry time has passed
        make_due()

    assert attempts == [(1, 1), (2, 1), (3, 0)]
    failure = Failure.objects.get()
    assert failure.func == "jobs.tests.tasks.always_fails"
    assert failure.args == ("kapot",)
    assert failure.group == "tests"
    assert "ValueError: boom kapot x1" in failure.result


def test_staff_see_counts_and_the_failure_with_its_error(
    staff_client, exhausted, django_capture_on_commit_callbacks
):
    _queue(django_capture_on_commit_callbacks, "jobs.tests.tasks.succeeds", 21)
    _queue(django_capture_on_commit_callbacks, "jobs.tests.tasks.succeeds", 1)
    run_queue()
    assert Success.objects.get(args=(21,)).result == 42
    _queue(django_capture_on_commit_callbacks, "jobs.tests.tasks.succeeds", 2)  # waiting

    response = staff_client.get(LIST_EN)

    assert response.status_code == 200
    assert response.context["queue"].waiting == 1
    assert response.context["queue"].held == 0
    assert response.context["recent"].successes == 2
    assert response.context["recent"].failures == 1
    [row] = response.context["failures"]
    assert row.task.pk == exhausted.pk
    assert (row.attempts, row.max_attempts) == (3, 3)
    assert row.error == "ValueError: boom kapot x1"
    assert not row.will_be_retried
    html = response.content.decode()
    assert "jobs.tests.tasks.always_fails" in html
    assert "3 of 3" in html
    assert "<details>" in html and "Traceback" in html
    assert f'value="{exhausted.pk}"' in html


def test_a_failure_still_to_be_retried_says_so(staff_client, django_capture_on_commit_callbacks):
    _queue(django_capture_on_commit_callbacks, "jobs.tests.tasks.always_fails", "eenmaal")
    run_queue()

    response = staff_client.get(LIST_EN)

    [row] = response.context["failures"]
    assert (row.attempts, row.will_be_retried) == (1, True)
    assert response.context["queue"].held == 1
    assert "tried again automatically" in response.content.decode()


def test_try_again_queues_the_same_task_afresh_and_audits_it(
    staff, staff_client, exhausted, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(RETRY, {"task_id": exhausted.pk})

    assert response.status_code == 302
    assert response["Location"] == LIST
    assert not Failure.objects.exists()
    [package] = OrmQ.objects.all()
    assert package.func() == "jobs.tests.tasks.always_fails"
    assert package.args() == ("kapot",)
    assert package.group() == "tests"
    assert package.task_id() != exhausted.pk
    event = AuditEvent.objects.get(action="task.retried")
    assert (event.actor_id, event.target_id) == (staff.pk, exhausted.pk)

    run_queue()  # a new task, with fresh attempts
    assert Failure.objects.get().attempt_count == 1


def test_try_again_on_a_failure_waiting_for_retry_runs_it_once(
    staff_client, django_capture_on_commit_callbacks
):
    _queue(django_capture_on_commit_callbacks, "jobs.tests.tasks.always_fails", "eenmaal")
    run_queue()
    failure = Failure.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(RETRY, {"task_id": failure.pk})

    [package] = OrmQ.objects.all()  # the held package is gone, one new one waits
    assert package.task_id() != failure.pk


def test_delete_removes_the_failure_and_its_waiting_package(
    staff_client, django_capture_on_commit_callbacks
):
    _queue(django_capture_on_commit_callbacks, "jobs.tests.tasks.always_fails", "eenmaal")
    run_queue()
    failure = Failure.objects.get()

    response = staff_client.post(DELETE, {"task_id": failure.pk})

    assert response.status_code == 302
    assert not Failure.objects.exists()
    assert not OrmQ.objects.exists()
    assert AuditEvent.objects.filter(action="task.deleted", target_id=failure.pk).exists()
    assert staff_client.post(DELETE, {"task_id": failure.pk}).status_code == 404


def test_outsiders_cannot_see_or_touch_failures(client, outsider_client, exhausted):
    response = client.get(LIST)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert client.post(RETRY, {"task_id": exhausted.pk}).status_code == 302

    moderator = UserFactory(is_moderator=True)
    client.force_login(moderator)
    for user_client in (outsider_client, client):
        assert user_client.get(LIST).status_code == 403
        assert user_client.post(RETRY, {"task_id": exhausted.pk}).status_code == 403
        assert user_client.post(DELETE, {"task_id": exhausted.pk}).status_code == 403
    assert Failure.objects.filter(pk=exhausted.pk).exists()
    assert not OrmQ.objects.exists()
    assert not AuditEvent.objects.exists()


def test_the_list_only_reads(staff_client):
    assert staff_client.post(LIST).status_code == 405
    assert staff_client.get(RETRY).status_code == 405


def test_empty_state(staff_client):
    response = staff_client.get(LIST_EN)
    html = response.content.decode()
    assert "No failed tasks" in html
    assert "manage.py qcluster" in html


def test_query_count_does_not_grow_with_failures(
    staff_client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    for name in ("een", "twee", "drie"):
        _queue(django_capture_on_commit_callbacks, "jobs.tests.tasks.always_fails", name)
    run_queue()
    assert Failure.objects.count() == 3

    with django_assert_num_queries(QUERIES):
        response = staff_client.get(LIST)
    assert len(response.context["failures"]) == 3


def test_the_staff_menu_links_the_page(staff_client):
    assert f'href="{LIST}"' in staff_client.get(reverse("audit:log")).content.decode()


def test_with_redis_the_queue_length_comes_from_the_broker(staff_client, monkeypatch):
    class FakeRedisBroker:
        def queue_size(self):
            return 7

    monkeypatch.setattr("django_q.brokers.get_broker", lambda: FakeRedisBroker())
    with override_settings(TASK_BROKER="redis"):
        response = staff_client.get(LIST)
    assert (response.context["queue"].waiting, response.context["queue"].held) == (7, None)


# The session, the staff member and their two-factor check; the page's queue counts, recent
# counts and failures (one query each); the menu's unread notification count.
QUERIES = 7
