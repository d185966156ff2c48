from django.apps import AppConfig


class LibConfig(AppConfig):
    """Shared helpers (Markdown, environment, uploads, revisions) and their template tags."""

    name = "lib"
    label = "lib"
