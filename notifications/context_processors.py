"""``unread_notification_count`` for every template (the badge in the site header).

Lazy: the query runs only when a template uses the value, so pages that do not show
it (and anonymous visitors) pay nothing. Counted through ``selectors.unread_count``,
which hides notifications whose content the user may no longer see.
"""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from notifications.selectors import unread_count as count_unread


def unread_count(request) -> dict:
    """Add ``unread_notification_count`` (0 for anonymous visitors)."""
    return {
        "unread_notification_count": SimpleLazyObject(
            lambda: count_unread(getattr(request, "user", None))
        )
    }
