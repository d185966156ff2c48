"""An audit event cannot be changed or removed: not by the application, not in the admin,
not by SQL (the trigger of migration 0002)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from accounts.tests.factories import UserFactory
from audit.models import AuditEvent, AuditLogIsImmutable
from audit.services import record_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(staff):
    return record_event(
        actor=staff,
        action="account.staff_changed",
        target=staff,
        summary="made staff",
        before={"is_staff": False},
        after={"is_staff": True},
    )


def _unchanged(event) -> bool:
    stored = AuditEvent.objects.get(pk=event.pk)
    return (stored.action, stored.summary, stored.after) == (
        "account.staff_changed",
        "made staff",
        {"is_staff": True},
    )


# --- through the application ---------------------------------------------------------


def test_saving_an_existing_event_is_refused(event):
    event.summary = "nothing happened"
    with pytest.raises(AuditLogIsImmutable):
        event.save()
    assert _unchanged(event)


def test_saving_a_fresh_copy_of_an_existing_event_is_refused(event):
    copy = AuditEvent.objects.get(pk=event.pk)
    copy.action = "moderation.restore"
    with pytest.raises(AuditLogIsImmutable):
        copy.save(update_fields=["action"])
    assert _unchanged(event)


def test_deleting_an_event_is_refused(event):
    with pytest.raises(AuditLogIsImmutable):
        event.delete()
    assert _unchanged(event)


def test_queryset_update_is_refused(event):
    with pytest.raises(AuditLogIsImmutable):
        AuditEvent.objects.filter(pk=event.pk).update(summary="nothing happened")
    assert _unchanged(event)


def test_queryset_delete_is_refused(event):
    with pytest.raises(AuditLogIsImmutable):
        AuditEvent.objects.all().delete()
    assert _unchanged(event)


# --- in the admin --------------------------------------------------------------------


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_the_admin_lists_events_but_offers_no_add_change_or_delete(superuser_client, event):
    changelist = superuser_client.get(reverse("admin:audit_auditevent_changelist"))
    assert changelist.status_code == 200
    assert b"account.staff_changed" in changelist.content
    assert reverse("admin:audit_auditevent_add").encode() not in changelist.content
    assert superuser_client.get(reverse("admin:audit_auditevent_add")).status_code == 403

    change_url = reverse("admin:audit_auditevent_change", args=[event.pk])
    page = superuser_client.get(change_url)
    assert page.status_code == 200  # a read-only view
    assert b'name="_save"' not in page.content
    assert reverse("admin:audit_auditevent_delete", args=[event.pk]).encode() not in page.content


def test_posting_to_the_admin_change_and_delete_urls_changes_nothing(superuser_client, event):
    change_url = reverse("admin:audit_auditevent_change", args=[event.pk])
    delete_url = reverse("admin:audit_auditevent_delete", args=[event.pk])
    changed = superuser_client.post(
        change_url, {"action": "moderation.restore", "summary": "nothing happened", "_save": "1"}
    )
    deleted = superuser_client.post(delete_url, {"post": "yes"})
    bulk = superuser_client.post(
        reverse("admin:audit_auditevent_changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    assert changed.status_code == 403
    assert deleted.status_code == 403
    assert bulk.status_code in (200, 302)  # no actions: the admin ignores the request
    assert _unchanged(event)


# --- in the database -----------------------------------------------------------------


def test_the_database_refuses_an_update(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET summary = %s WHERE id = %s", ["nothing happened", event.pk]
        )
    assert _unchanged(event)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite keeps DELETE for the test teardown; the application refuses it everywhere",
)
def test_postgresql_refuses_a_delete(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert _unchanged(event)
