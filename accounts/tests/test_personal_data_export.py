"""The personal data download as background work: asked for, prepared by a task into
private storage, shown on the page while it is prepared, announced by a notification,
downloadable by its owner only, and removed when it expires."""

from __future__ import annotations

import importlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone, translation
from django_q.models import Schedule

from accounts import personal_data
from accounts.personal_data import data_exports_remove_expired
from accounts.tests.factories import UserFactory
from audit.models import AuditEvent
from backups.models import ExportStatus, PersonalDataExport
from notifications.models import Notification, NotificationKind

PASSWORD = "correct horse battery"  # noqa: S105 - the factories' test password
OVERVIEW = reverse("personal_data:overview")
EXPORT = reverse("personal_data:export_request")
STATUS = reverse("personal_data:export_status")


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PERSONAL_DATA_EXPORT_DIR = tmp_path / "exports"
    return settings.PERSONAL_DATA_EXPORT_DIR


@pytest.fixture
def person(db):
    return UserFactory(name="Mira Mensink", email="mira@example.org")


@pytest.fixture
def person_client(client, person):
    client.force_login(person)
    return client


@pytest.fixture
def worker(held_queue):
    """Exports and the notifications they send run when the test says so."""
    return held_queue


def _download_url(export) -> str:
    return reverse("personal_data:export_download", args=[export.token])


def test_asking_prepares_the_zip_in_private_storage_and_notifies_the_owner(
    person_client, person, storage, settings
):
    response = person_client.post(EXPORT)

    assert response.status_code == 302
    assert response["Location"].endswith(OVERVIEW + "#data-export")
    export = PersonalDataExport.objects.get(user=person)
    assert export.status == ExportStatus.READY
    assert export.expires_at - export.finished_at == timedelta(days=7)
    path = export.file.path
    assert path.startswith(str(storage))
    assert not path.startswith(str(settings.MEDIA_ROOT))
    notification = Notification.objects.get(recipient=person)
    assert notification.kind == NotificationKind.DATA_EXPORT_READY
    assert notification.content_url == OVERVIEW + "#data-export"
    exported = AuditEvent.objects.filter(action="account.data_exported", actor_id=person.pk)
    assert exported.count() == 1
    with translation.override("en"):
        listed = person_client.get(reverse("notifications:list")).content.decode()
    assert "Your data export is ready to download" in listed


def test_the_page_offers_the_ready_download_to_its_owner(person_client, person):
    person_client.post(EXPORT)
    export = PersonalDataExport.objects.get(user=person)

    page = person_client.get(OVERVIEW).content.decode()
    response = person_client.get(_download_url(export))

    assert 'data-state="ready"' in page
    assert _download_url(export) in page
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"PK")  # a zip


def test_someone_else_cannot_download_the_export(person_client, person, outsider_client):
    person_client.post(EXPORT)
    export = PersonalDataExport.objects.get(user=person)

    assert outsider_client.get(_download_url(export)).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in_for_a_download(client, person_client, person):
    person_client.post(EXPORT)
    export = PersonalDataExport.objects.get(user=person)
    client.logout()

    response = client.get(_download_url(export))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_an_expired_export_is_no_longer_offered_and_the_cleanup_removes_it(
    person_client, person, django_capture_on_commit_callbacks
):
    person_client.post(EXPORT)
    export = PersonalDataExport.objects.get(user=person)
    path = export.file.path
    PersonalDataExport.objects.filter(pk=export.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )

    assert person_client.get(_download_url(export)).status_code == 404
    assert 'data-state="none"' in person_client.get(OVERVIEW).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert data_exports_remove_expired() == 1

    assert not PersonalDataExport.objects.exists()
    assert not Notification.objects.filter(recipient=person).exists()
    assert not export.file.storage.exists(export.file.name)
    assert not Path(path).exists()


def test_a_ready_export_within_its_week_is_kept_by_the_cleanup(person_client, person):
    person_client.post(EXPORT)

    assert data_exports_remove_expired() == 0
    assert PersonalDataExport.objects.filter(user=person, status=ExportStatus.READY).exists()


def test_while_it_is_prepared_the_page_says_so_and_polls_until_it_is_ready(
    worker, person_client, person
):
    worker.commit(lambda: person_client.post(EXPORT))
    export = PersonalDataExport.objects.get(user=person)

    page = person_client.get("/en" + OVERVIEW).content.decode()
    assert export.status == ExportStatus.PENDING
    assert 'id="data-export" aria-live="polite"' in page
    assert 'data-state="pending"' in page
    assert "Preparing your data…" in page
    assert f'hx-get="/en{STATUS}" hx-trigger="every 3s"' in page
    assert not Notification.objects.exists()

    worker.run("exports", "notifications")

    fragment = person_client.get(STATUS, headers={"HX-Request": "true"}).content.decode()
    assert 'data-state="ready"' in fragment
    assert "hx-trigger" not in fragment  # polling stops
    assert _download_url(export) in fragment
    assert Notification.objects.filter(recipient=person).count() == 1


def test_asking_again_while_it_is_prepared_starts_no_second_build(worker, person_client, person):
    worker.commit(lambda: person_client.post(EXPORT))
    worker.commit(lambda: person_client.post(EXPORT))

    assert PersonalDataExport.objects.filter(user=person).count() == 1
    assert [func for func, *_rest in worker.of_group("exports")] == [
        "accounts.personal_data.data_export_build"
    ]


def test_a_failed_build_says_so_and_offers_to_ask_again(person_client, person, monkeypatch):
    real_export = personal_data.personal_data_export

    def broken(user):
        raise OSError("disk full")

    monkeypatch.setattr(personal_data, "personal_data_export", broken)
    person_client.post(EXPORT)

    export = PersonalDataExport.objects.get(user=person)
    page = person_client.get("/en" + OVERVIEW).content.decode()
    assert export.status == ExportStatus.FAILED
    assert not export.file
    assert 'data-state="failed"' in page
    assert "Preparing your data failed." in page
    assert "Ask again for my data" in page
    assert person_client.get(_download_url(export)).status_code == 404
    assert not Notification.objects.exists()

    monkeypatch.setattr(personal_data, "personal_data_export", real_export)
    person_client.post(EXPORT)

    assert PersonalDataExport.objects.get(user=person).status == ExportStatus.READY


def test_a_failed_build_is_raised_for_the_queue_and_not_built_twice(
    worker, person_client, person, monkeypatch
):
    def broken(user):
        raise OSError("disk full")

    monkeypatch.setattr(personal_data, "personal_data_export", broken)
    worker.commit(lambda: person_client.post(EXPORT))
    export = PersonalDataExport.objects.get(user=person)

    with pytest.raises(personal_data.DataExportFailed):
        worker.run("exports", "notifications")  # django-q2 records the task as failed: staff see it

    assert PersonalDataExport.objects.get(pk=export.pk).status == ExportStatus.FAILED
    assert personal_data.data_export_build(export.pk) == "nothing to do"  # a re-delivery


def test_a_build_lost_by_the_queue_shows_as_failed_after_the_retries(
    worker, person_client, person, settings
):
    worker.commit(lambda: person_client.post(EXPORT))
    queue = settings.Q_CLUSTER
    long_ago = timezone.now() - timedelta(seconds=queue["retry"] * queue["max_attempts"] + 1)
    PersonalDataExport.objects.filter(user=person).update(created_at=long_ago)

    page = person_client.get(OVERVIEW).content.decode()

    assert 'data-state="failed"' in page
    assert "hx-trigger" not in page


def test_a_fresh_copy_replaces_the_older_one(
    person_client, person, django_capture_on_commit_callbacks
):
    person_client.post(EXPORT)
    first = PersonalDataExport.objects.get(user=person)

    with django_capture_on_commit_callbacks(execute=True):
        person_client.post(EXPORT)

    second = PersonalDataExport.objects.get(user=person)
    assert second.pk != first.pk
    assert not first.file.storage.exists(first.file.name)
    assert person_client.get(_download_url(first)).status_code == 404
    assert person_client.get(_download_url(second)).status_code == 200


def test_deleting_the_account_removes_its_exports(
    person_client, person, django_capture_on_commit_callbacks
):
    person_client.post(EXPORT)
    export = PersonalDataExport.objects.get(user=person)

    with django_capture_on_commit_callbacks(execute=True):
        person_client.post(
            reverse("personal_data:delete"), {"contributions": "delete", "password": PASSWORD}
        )

    assert not PersonalDataExport.objects.exists()
    assert not export.file.storage.exists(export.file.name)


def test_the_status_is_for_signed_in_people_only(client, db):
    response = client.get(STATUS)

    assert response.status_code == 302


def test_the_cleanup_is_scheduled_nightly_once(db):
    migration = importlib.import_module("backups.migrations.0002_export_cleanup_schedule")

    migration.create_schedule(apps, None)  # a second run, after the one of the test database

    schedule = Schedule.objects.get(name=migration.NAME)
    assert schedule.func == "accounts.personal_data.data_exports_remove_expired"
    assert schedule.schedule_type == Schedule.DAILY
    assert Schedule.objects.filter(func=schedule.func).count() == 1
