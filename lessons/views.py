"""Public lessons and the publish flow. Views orchestrate: access helper, form, service.

The publish flow keeps everything in the form until the facilitator confirms: "Preview"
renders the public page from the posted fields (nothing is saved), "Back to edit" gives
the form back as it was, and only "Publish" calls ``lesson_publish``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from instruments.constants import Phase
from lessons import selectors, services
from lessons.forms import LessonForm
from lessons.models import PublicLesson

PAGE_SIZE = 20
PREVIEW, EDIT, PUBLISH = "preview", "edit", "publish"


@require_GET
def lesson_list(request):
    filters = selectors.LessonFilters.from_querydict(request.GET)
    paginator = Paginator(selectors.lesson_list(filters=filters), PAGE_SIZE)
    context = {
        "page": paginator.get_page(request.GET.get("page")),
        "filters": filters,
        "sectors": selectors.lesson_sectors(),
        "phases": Phase.choices,
    }
    return render(request, "lessons/lesson_list.html", context)


@require_GET
def lesson_detail(request, lesson_id: int):
    lesson = selectors.get_public_lesson(lesson_id=lesson_id)
    return render(request, "lessons/lesson_detail.html", {"lesson": lesson})


def _form_page(request, source, form, *, status: int = 200):
    context = {"form": form, "source": source, "error_count": len(form.errors)}
    return render(request, "lessons/publish_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def lesson_publish(request, source_kind: str, source_id: int):
    source = selectors.get_source_for_user(
        user=request.user, source_kind=source_kind, source_id=source_id
    )
    services.check_lesson_publish_permission(request.user, source)
    existing = selectors.lesson_for_source(source_kind=source_kind, source_id=source_id)
    if existing is not None:
        messages.info(request, _("This has already been published as a public lesson."))
        return redirect(existing)
    if request.method == "GET":
        initial = services.lesson_suggestion(user=request.user, source=source)
        return _form_page(request, source, LessonForm(initial=initial))

    form = LessonForm(request.POST)
    action = request.POST.get("action", PREVIEW)
    if action == EDIT:
        return _form_page(request, source, form)
    if not form.is_valid():
        return _form_page(request, source, form, status=400)
    try:
        if action == PUBLISH:
            lesson = services.lesson_publish(
                user=request.user, source=source.obj, fields=form.lesson_fields()
            )
            messages.success(request, _("The lesson has been published anonymised."))
            return redirect(lesson)
        services.check_lesson_fields(source=source, fields=form.lesson_fields())
    except ValidationError as exc:
        _add_errors(form, exc)
        return _form_page(request, source, form, status=400)
    context = {"form": form, "source": source, "lesson": form.preview()}
    return render(request, "lessons/publish_preview.html", context)


def _add_errors(form: LessonForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
@require_POST
def lesson_withdraw(request, lesson_id: int):
    lesson = get_object_or_404(PublicLesson, pk=lesson_id)
    source = selectors.source_of(lesson)
    services.lesson_withdraw(user=request.user, lesson=lesson)
    messages.success(request, _("The public lesson has been withdrawn."))
    return redirect(source.obj if source is not None else "lessons:list")
