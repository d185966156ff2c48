"""Posting, editing and deleting comments: one URL, two renderings.

With htmx, every write answers with the thread's body (``comments/_thread_update.html``)
and a status message for the thread's live region; without JavaScript, a write redirects
back to the target's page at the comment's anchor, and a form with errors gets a page
of its own.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from comments import services
from comments.forms import CommentForm
from comments.models import Comment
from comments.selectors import comment_thread, get_comment_for_user, thread_dom_id
from comments.targets import get_target_for_user, target_field


def _thread_response(request, target, **state):
    thread = comment_thread(user=request.user, target=target, **state)
    return render(request, "comments/_thread_update.html", {"thread": thread})


def _back_to(target, anchor: str):
    return redirect(f"{target.get_absolute_url()}#{anchor}")


def _parent(target, parent_id: int | None) -> Comment | None:
    """The comment being replied to; it must be on the same target (404 otherwise)."""
    if not parent_id:
        return None
    parent = Comment.objects.filter(pk=parent_id, **{target_field(target): target.pk}).first()
    if parent is None:
        raise Http404
    return parent


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def thread(request, kind: str, target_id: int):
    """GET: the thread (htmx) or the target's page at its comments; POST: a new comment."""
    if request.method == "POST":
        return comment_create(request, kind, target_id)
    target = get_target_for_user(user=request.user, kind=kind, target_id=target_id)
    if request.htmx:
        return _thread_response(request, target)
    return _back_to(target, thread_dom_id(target))


@login_required
def comment_create(request, kind: str, target_id: int):
    target = get_target_for_user(user=request.user, kind=kind, target_id=target_id)
    services.check_comment_create_permission(request.user, target)
    form = CommentForm(request.POST)
    if form.is_valid():
        comment = services.comment_create(
            author=request.user,
            target=target,
            body=form.cleaned_data["body"],
            parent=_parent(target, form.cleaned_data["parent"]),
        )
        posted = _("Your comment has been posted.")
        if comment.is_pending:
            posted = _(
                "Thank you. A moderator checks a new member's first contributions before "
                "others see them; until then only you see this one, marked as pending review."
            )
        if request.htmx:
            return _thread_response(request, target, status=posted)
        messages.success(request, posted)
        return _back_to(target, f"comment-{comment.pk}")
    if request.htmx:
        # 200, not 400: htmx swaps only successful responses, and the errors must show.
        parent_id = form.cleaned_data.get("parent")
        state = {"reply_form": form, "reply_to": parent_id} if parent_id else {"form": form}
        return _thread_response(request, target, **state)
    return render(
        request, "comments/comment_form.html", {"form": form, "target": target}, status=400
    )


@vary_on_headers("HX-Request")
@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request, comment_id: int):
    comment = get_comment_for_user(user=request.user, comment_id=comment_id)
    services.check_comment_edit_permission(request.user, comment)
    target = comment.target
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        services.comment_update(user=request.user, comment=comment, body=form.cleaned_data["body"])
        if request.htmx:
            return _thread_response(request, target, status=_("Your comment has been changed."))
        messages.success(request, _("Your comment has been changed."))
        return _back_to(target, f"comment-{comment.pk}")
    if request.htmx:
        return _thread_response(request, target, editing=comment.pk, edit_form=form)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "comment": comment, "target": target}
    return render(request, "comments/comment_edit.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def comment_delete(request, comment_id: int):
    comment = get_comment_for_user(user=request.user, comment_id=comment_id)
    services.check_comment_edit_permission(request.user, comment)
    target = comment.target
    if request.method == "POST":
        services.comment_delete(user=request.user, comment=comment)
        if request.htmx:
            return _thread_response(request, target, status=_("Your comment has been deleted."))
        messages.success(request, _("Your comment has been deleted."))
        return _back_to(target, thread_dom_id(target))
    context = {"comment": comment, "target": target, "reply_count": comment.replies.count()}
    return render(request, "comments/comment_confirm_delete.html", context)
