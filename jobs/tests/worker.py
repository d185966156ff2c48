"""Run the database queue in the test process, through django-q2's own worker and monitor.

``run_queue()`` does what one pass of a cluster does: the pusher's part (``broker.dequeue``
takes the due packages and locks them until ``Q_CLUSTER["retry"]`` seconds from now), the
worker (runs each task, catching its error) and the monitor (stores the ``Task`` row,
counts the attempt and acknowledges: deletes the package after a success, or after the last
allowed attempt). The same pieces as ``django_q.tasks._sync``, but for packages that went
through the real queue, so retries and acknowledgements happen as in production.

Two differences, both for the test process only: the worker and monitor do not close "old"
database connections (that would close the test's transaction), and the worker sets no
SIGALRM timeout.
"""

from __future__ import annotations

from datetime import timedelta
from multiprocessing import Queue, Value
from unittest import mock

from django.utils import timezone
from django_q.brokers import get_broker
from django_q.conf import Conf
from django_q.models import OrmQ
from django_q.monitor import monitor
from django_q.signing import SignedPackage
from django_q.worker import worker


def run_queue() -> int:
    """Run every package that is due now (not locked for a later attempt); returns how many
    ran. Tasks queued by the tasks themselves run too, until nothing is due."""
    broker = get_broker()
    ran = 0
    with (
        mock.patch("django_q.worker.close_old_django_connections"),
        mock.patch("django_q.monitor.close_old_django_connections"),
    ):
        while broker.queue_size():
            task_queue, result_queue = Queue(), Queue()
            for ack_id, payload in broker.dequeue() or []:
                task = SignedPackage.loads(payload)
                task["cluster"] = Conf.CLUSTER_NAME
                task["ack_id"] = ack_id
                task_queue.put(task)
                ran += 1
            task_queue.put("STOP")
            worker(task_queue, result_queue, Value("f", -1), timeout=-1)
            result_queue.put("STOP")
            monitor(result_queue, broker)
            for queue in (task_queue, result_queue):
                queue.close()
                queue.join_thread()
    return ran


def make_due() -> None:
    """Let the retry time of every locked package pass (as if ``retry`` seconds went by)."""
    OrmQ.objects.update(lock=timezone.now() - timedelta(seconds=1))
