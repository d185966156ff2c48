"""Personal data exports: one person's zip, built in the background and kept for a week.

It lives here, beside the site-wide snapshots, because it is a snapshot too (of one
person's data) and so that ``accounts`` keeps no migrations of its own for it. What goes
into the zip, who may ask for it and who may download it is decided in
``accounts.personal_data``; this module only stores it.

The files are written to ``settings.PERSONAL_DATA_EXPORT_DIR`` (``VAR_DIR/exports`` by
default), outside MEDIA_ROOT: nothing serves that directory, so the only way to a zip is
the owner-only download view.
"""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PrivateExportStorage(FileSystemStorage):
    """A file system storage under ``settings.PERSONAL_DATA_EXPORT_DIR`` without any URL.

    The directory is read from the settings on every use (not frozen at import), so a test
    or a deployment that changes the setting is obeyed; ``url()`` raises, since these files
    are only ever streamed by the download view.
    """

    @property
    def base_location(self):
        return str(settings.PERSONAL_DATA_EXPORT_DIR)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Personal data exports have no public URL.")


_storage = PrivateExportStorage()


def export_storage() -> PrivateExportStorage:
    """The storage of export files (a callable, so migrations do not record a path)."""
    return _storage


def export_path(export: PersonalDataExport, filename: str) -> str:
    return f"{export.user_id}/{export.token}.zip"


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready to download")
    FAILED = "failed", _("Failed")


class PersonalDataExportQuerySet(models.QuerySet):
    def expired(self, now=None) -> PersonalDataExportQuerySet:
        """Exports past their expiry (ready ones), or asked for so long ago that they will
        not be finished any more (pending or failed, older than the keeping period)."""
        now = now or timezone.now()
        keep = now - settings.PERSONAL_DATA_EXPORT_KEEP
        return self.filter(models.Q(expires_at__lte=now) | models.Q(created_at__lte=keep))

    def downloadable(self, now=None) -> PersonalDataExportQuerySet:
        now = now or timezone.now()
        return self.filter(status=ExportStatus.READY, expires_at__gt=now)


class PersonalDataExport(models.Model):
    """One request for one's data: pending until the task wrote the zip, then ready (until
    ``expires_at``) or failed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    # In the download URL instead of the sequential id: nothing to count or guess.
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    file = models.FileField(storage=export_storage, upload_to=export_path, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    objects = PersonalDataExportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"data export {self.token} of {self.user_id} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status == ExportStatus.PENDING

    @property
    def is_ready(self) -> bool:
        return self.status == ExportStatus.READY

    @property
    def is_failed(self) -> bool:
        return self.status == ExportStatus.FAILED
