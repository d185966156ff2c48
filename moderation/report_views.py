"""Reporting an item: a form with the reasons, then a confirmation.

The item is read through its kind's visibility rule (``Kind.readable_by``): an item the
reporter may not see answers 404 exactly like one that does not exist, so the report URL
reveals nothing about members-only or confidential content.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from moderation.constants import ModerationState
from moderation.registry import Kind, get_kind
from moderation.report_forms import ReportForm
from moderation.services import check_can_contribute, report_create

# Items whose parent may itself be held or hidden: only reportable while the parent is
# visible (nobody but its author can see it then).
PARENT_VISIBLE = {"answer": "question__moderation_state"}


def get_reportable_for_user(*, user, kind_key: str, object_id: int) -> tuple[Kind, object]:
    """The kind and the item ``user`` may read, or 404 (unknown kind, missing or unreadable)."""
    try:
        kind = get_kind(kind_key)
    except KeyError:
        raise Http404 from None
    queryset = kind.readable_by(user).filter(pk=object_id)
    if kind_key in PARENT_VISIBLE:
        queryset = queryset.filter(**{PARENT_VISIBLE[kind_key]: ModerationState.VISIBLE})
    obj = queryset.first()
    if obj is None:
        raise Http404
    return kind, obj


def _blocked_reason(user, kind: Kind, obj) -> str:
    """Why ``user`` may not report ``obj`` at all (suspended, banned, their own), or ""."""
    try:
        check_can_contribute(user)
    except PermissionDenied as exc:
        return str(exc)
    if kind.author_id_of(obj) == user.pk:
        return gettext("You cannot report your own contribution.")
    return ""


@login_required
@require_http_methods(["GET", "POST"])
def report(request, kind: str, object_id: int):
    kind_obj, obj = get_reportable_for_user(user=request.user, kind_key=kind, object_id=object_id)
    context = {
        "kind": kind_obj,
        "item": obj,
        "item_title": kind_obj.title(obj),
        "item_url": kind_obj.url(obj),
    }
    blocked = _blocked_reason(request.user, kind_obj, obj)
    if blocked:
        return render(
            request, "moderation/report.html", {**context, "blocked": blocked}, status=403
        )
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _report, created = report_create(
                reporter=request.user,
                obj=obj,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            context["created"] = created
            return render(request, "moderation/report_done.html", context)
    context["form"] = form
    status = 400 if request.method == "POST" else 200
    return render(request, "moderation/report.html", context, status=status)
