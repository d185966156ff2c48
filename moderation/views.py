"""Pages of moderation: the queue, one case with its action forms, and the author's view of
decisions about their contributions with the one appeal. Views orchestrate: access helper
(``selectors.get_*_for_user``), form, action class or service, message, redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from moderation import selectors
from moderation.actions import ACTIONS, AppealDecide, appeal_create
from moderation.constants import ActionKind, CaseStatus, ModerationState
from moderation.forms import APPEAL_PREFIX, AppealDecisionForm, AppealForm, action_form
from moderation.registry import get_kind


def _check_queue_permission(user) -> None:
    if not selectors.can_moderate_anything(user):
        raise PermissionDenied(_("You do not moderate anything on Samenspel."))


@login_required
@require_GET
def queue(request):
    _check_queue_permission(request.user)
    result = selectors.queue_for(
        request.user, sort=request.GET.get("sort", ""), show=request.GET.get("show", "")
    )
    return render(
        request,
        "moderation/queue.html",
        {"queue": result, "queue_limit": selectors.QUEUE_LIMIT},
    )


def _available_actions(user, detail: selectors.CaseDetail) -> list[str]:
    """The actions that make sense for the item now (the action classes check again)."""
    if detail.target is None or detail.kind.author_id_of(detail.target) == user.pk:
        return []
    state = detail.state
    ids = []
    if state == ModerationState.PENDING:
        ids.append(ActionKind.APPROVE)
    if state != ModerationState.HIDDEN:
        ids.append(ActionKind.HIDE)
    else:
        ids.append(ActionKind.RESTORE)
    if (
        detail.case.status == CaseStatus.OPEN
        and detail.case.report_count
        and state != ModerationState.PENDING
    ):
        ids.append(ActionKind.DISMISS)
    ids.append(ActionKind.EDIT)
    author = detail.author
    if author is not None and author.is_active and not author.is_staff:
        ids += [ActionKind.WARN, ActionKind.SUSPEND, ActionKind.BAN]
    return ids


def _case_context(request, detail, *, bound=None, appeal_forms=None) -> dict:
    forms = {
        action_id: action_form(action_id, kind=detail.kind, target=detail.target)
        for action_id in _available_actions(request.user, detail)
    }
    if bound is not None:
        forms[bound.action.id] = bound
    appeal_forms = appeal_forms or {}
    return {
        "detail": detail,
        "case": detail.case,
        "action_forms": [(ACTIONS[action_id], form) for action_id, form in forms.items()],
        "appeals": [
            (appeal, appeal_forms.get(appeal.pk) or AppealDecisionForm(appeal_id=appeal.pk))
            for appeal in detail.open_appeals
            if appeal.author_id != request.user.pk
        ],
    }


@login_required
@require_http_methods(["GET", "POST"])
def case(request, case_id: int):
    case = selectors.get_case_for_user(user=request.user, case_id=case_id)
    detail = selectors.case_detail(case)
    if request.method == "GET":
        return render(request, "moderation/case.html", _case_context(request, detail))
    action_id = request.POST.get("action", "")
    if action_id == APPEAL_PREFIX:
        return _decide_appeal(request, detail)
    if action_id not in _available_actions(request.user, detail):
        if detail.target is not None and action_id in ACTIONS:
            # Not offered now (own content, a state that changed): the action says why.
            action = ACTIONS[action_id](request.user, case)
            action.check_permission()
            try:
                action.check_state()
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect("moderation:case", case_id=case.pk)
        return HttpResponseBadRequest(_("This action is not available for this item."))
    form = action_form(action_id, kind=detail.kind, target=detail.target, data=request.POST)
    if form.is_valid():
        result = ACTIONS[action_id](request.user, case, **form.action_params()).execute()
        if result.ok:
            messages.success(request, result.message)
            return redirect("moderation:case", case_id=case.pk)
        form.add_error(None, result.message)
    context = _case_context(request, detail, bound=form)
    return render(request, "moderation/case.html", context, status=400)


def _decide_appeal(request, detail):
    appeal_id = request.POST.get("appeal_id", "")
    if not appeal_id.isdigit():
        return HttpResponseBadRequest(_("Unknown appeal."))
    appeal = selectors.open_appeal_for_case(detail.case, int(appeal_id))
    form = AppealDecisionForm(request.POST, appeal_id=appeal.pk)
    if form.is_valid():
        result = AppealDecide(request.user, appeal, **form.cleaned_data).execute()
        if result.ok:
            messages.success(request, result.message)
            return redirect("moderation:case", case_id=detail.case.pk)
        form.add_error(None, result.message)
    context = _case_context(request, detail, appeal_forms={appeal.pk: form})
    return render(request, "moderation/case.html", context, status=400)


@login_required
@require_GET
def mine(request):
    items = selectors.decisions_for_author(request.user)
    return render(
        request,
        "moderation/mine.html",
        {
            "items": items,
            "appeal_form": AppealForm(),
            "moderates": selectors.can_moderate_anything(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def appeal(request, decision_id: int):
    decision = selectors.get_own_decision(user=request.user, decision_id=decision_id)
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appeal_create(user=request.user, decision=decision, text=form.cleaned_data["text"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("moderation:mine")
        messages.success(
            request, _("Your appeal has been sent. A moderator will look at the decision again.")
        )
        return redirect("moderation:mine")
    item = selectors.MyDecision(decision=decision, kind=get_kind(decision.kind))
    return render(request, "moderation/appeal.html", {"item": item, "form": form})
