"""Pages of notifications and the follow toggle. Views orchestrate: selector, service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from notifications import selectors, services
from notifications.templatetags.notifications import follow_context

PAGE_SIZE = 30


def _safe_next(request, fallback: str) -> str:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return fallback


@login_required
@require_GET
def notification_list(request):
    paginator = Paginator(selectors.notifications_for(request.user), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/notification_list.html",
        {
            "page": page,
            # Same name as the context processor's value, so the page and the header badge
            # share one count (the view's context wins over the processor's).
            "unread_notification_count": selectors.unread_count(request.user),
            "followed": selectors.follows_for(request.user),
        },
    )


@login_required
@require_GET
def notification_open(request, notification_id: int):
    """Mark one notification as read and go to its content."""
    notification = selectors.get_notification_for_user(
        user=request.user, notification_id=notification_id
    )
    services.notification_mark_read(notification=notification)
    return redirect(notification.content_url or "notifications:list")


@login_required
@require_POST
def mark_all_read(request):
    count = services.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:list")


@login_required
@require_POST
@vary_on_headers("HX-Request")
def follow(request):
    """Follow or stop following (``action`` = ``follow`` / ``unfollow``) the target named by
    ``type`` and ``id``; a target the user may not see is a 404."""
    target = selectors.get_follow_target_for_user(
        user=request.user,
        type_name=request.POST.get("type", ""),
        identifier=request.POST.get("id", ""),
    )
    following = request.POST.get("action") != "unfollow"
    if following:
        services.follow_create(user=request.user, target=target)
    else:
        services.follow_delete(user=request.user, target=target)
    next_url = _safe_next(request, target.get_absolute_url())
    if request.htmx:
        context = follow_context(
            request=request, target=target, following=following, next_url=next_url
        )
        return render(request, "notifications/_follow_button_inner.html", context)
    messages.success(
        request,
        _("You now follow “%(name)s”.") % {"name": target}
        if following
        else _("You no longer follow “%(name)s”.") % {"name": target},
    )
    return redirect(next_url)
