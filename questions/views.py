"""Pages of questions, answers and open demand. Views orchestrate: selector, form, service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from comments.selectors import comment_thread
from questions import selectors, services
from questions.forms import AnswerForm, QuestionFilterForm, QuestionForm
from search.recommendations import recommendations_for_question

PAGE_SIZE = 20


@require_GET
def question_list(request):
    filters = selectors.QuestionFilters.from_querydict(request.GET)
    paginator = Paginator(selectors.question_list(user=request.user, filters=filters), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    filter_form = QuestionFilterForm(request.GET or None, sectors=selectors.sector_choices())
    return render(
        request,
        "questions/question_list.html",
        {"page": page, "filters": filters, "filter_form": filter_form},
    )


@require_GET
def demand(request):
    return render(
        request, "questions/demand.html", {"demand": selectors.open_demand(user=request.user)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_create(request):
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        question = services.question_create(user=request.user, **form.cleaned_data)
        messages.success(request, _held_or(question, _("Your question has been posted.")))
        return redirect(question)
    return render(request, "questions/question_form.html", {"form": form, "question": None})


def _held_or(contribution, message: str) -> str:
    """The confirmation after posting: for a contribution held for review, say so."""
    if not contribution.is_pending:
        return message
    return _(
        "Thank you. A moderator checks a new member's first contributions before "
        "others see them; until then only you see this one, marked as pending review."
    )


def _detail_context(request, question, *, answer_form=None) -> dict:
    user = request.user
    return {
        "question": question,
        "answers": selectors.question_answers(question=question, user=user),
        "answer_form": answer_form
        or (AnswerForm(user=user, prefix="answer") if user.is_authenticated else None),
        "is_asker": user.is_authenticated and question.author_id == user.pk,
        "recommendations": recommendations_for_question(user, question),
    }


@require_GET
def question_detail(request, question_id: int):
    question = selectors.get_question(question_id=question_id, user=request.user)
    context = _detail_context(request, question)
    context["comment_thread"] = comment_thread(user=request.user, target=question)
    return render(request, "questions/question_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request, question_id: int):
    question = selectors.get_question(question_id=question_id, user=request.user)
    services.check_question_edit_permission(request.user, question)
    form = QuestionForm(request.POST or None, instance=question)
    if request.method == "POST" and form.is_valid():
        services.question_update(user=request.user, question=question, **form.cleaned_data)
        messages.success(request, _("Your question has been saved."))
        return redirect(question)
    return render(request, "questions/question_form.html", {"form": form, "question": question})


@login_required
@require_http_methods(["GET", "POST"])
def question_delete(request, question_id: int):
    question = selectors.get_question(question_id=question_id, user=request.user)
    services.check_question_edit_permission(request.user, question)
    if request.method == "POST":
        services.question_delete(user=request.user, question=question)
        messages.success(request, _("Your question has been deleted."))
        return redirect("questions:list")
    return render(request, "questions/confirm_delete.html", {"question": question, "answer": None})


@login_required
@require_POST
@vary_on_headers("HX-Request")
def answer_create(request, question_id: int):
    """Post an answer. With htmx the answers section is swapped in place (errors included,
    with status 200 so htmx swaps them); without JavaScript a redirect to the new answer."""
    question = selectors.get_question(question_id=question_id, user=request.user)
    form = AnswerForm(request.POST, user=request.user, prefix="answer")
    answer = None
    if form.is_valid():
        try:
            answer = services.answer_create(
                user=request.user,
                question=question,
                body=form.cleaned_data["body"],
                instruments=form.cleaned_data["instruments"],
            )
        except ValidationError as error:
            form.add_error(None, error)
    if answer is not None and not request.htmx:
        messages.success(request, _held_or(answer, _("Your answer has been posted.")))
        return redirect(f"{question.get_absolute_url()}#answer-{answer.pk}")
    context = _detail_context(request, question, answer_form=None if answer else form)
    if request.htmx:
        context["posted"] = answer
        return render(request, "questions/_answers.html", context)
    context["comment_thread"] = comment_thread(user=request.user, target=question)
    return render(request, "questions/question_detail.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def answer_edit(request, question_id: int, answer_id: int):
    question = selectors.get_question(question_id=question_id, user=request.user)
    answer = selectors.get_answer(question=question, answer_id=answer_id, user=request.user)
    services.check_answer_edit_permission(request.user, answer)
    form = AnswerForm(request.POST or None, user=request.user, instance=answer)
    if request.method == "POST" and form.is_valid():
        services.answer_update(
            user=request.user,
            answer=answer,
            body=form.cleaned_data["body"],
            instruments=form.cleaned_data["instruments"],
        )
        messages.success(request, _("Your answer has been saved."))
        return redirect(f"{question.get_absolute_url()}#answer-{answer.pk}")
    return render(
        request,
        "questions/answer_form.html",
        {"form": form, "question": question, "answer": answer},
    )


@login_required
@require_http_methods(["GET", "POST"])
def answer_delete(request, question_id: int, answer_id: int):
    question = selectors.get_question(question_id=question_id, user=request.user)
    answer = selectors.get_answer(question=question, answer_id=answer_id, user=request.user)
    services.check_answer_edit_permission(request.user, answer)
    if request.method == "POST":
        services.answer_delete(user=request.user, answer=answer)
        messages.success(request, _("Your answer has been deleted."))
        return redirect(question)
    return render(
        request, "questions/confirm_delete.html", {"question": question, "answer": answer}
    )


@login_required
@require_POST
@vary_on_headers("HX-Request")
def answer_helpful(request, question_id: int, answer_id: int):
    """The asker marks an answer as helpful or takes it back; helpful answers come first."""
    question = selectors.get_question(question_id=question_id, user=request.user)
    answer = selectors.get_answer(question=question, answer_id=answer_id, user=request.user)
    services.answer_toggle_helpful(user=request.user, answer=answer)
    if request.htmx:
        context = _detail_context(request, question)
        context["focus_answer"] = answer.pk
        return render(request, "questions/_answers.html", context)
    return redirect(f"{question.get_absolute_url()}#answer-{answer.pk}")
