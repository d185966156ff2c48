"""Pages of scans and rounds. Views orchestrate: access helper, form, service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from communities.models import MemberRole
from instruments.selectors import get_instrument_for_user
from instruments.services import can_edit_instrument
from scans import selectors, services
from scans.forms import RoundStartForm, ScanForm
from scans.models import AGREEMENT_LABELS, ItemScale
from scans.poster import round_poster_pdf
from scans.qr import qr_svg

ANSWERING_ROLES = (MemberRole.FACILITATOR, MemberRole.MEMBER)


@require_GET
def scan_list(request):
    scans = selectors.scan_list(request.user)
    return render(
        request,
        "scans/scan_list.html",
        {"scans": scans, "community_slug": request.GET.get("gemeenschap", "")},
    )


@require_GET
def scan_detail(request, pk: int):
    scan = selectors.get_scan_for_user(user=request.user, pk=pk)
    versions = list(scan.versions.prefetch_related("items"))
    facilitated = selectors.facilitated_communities(request.user)
    return render(
        request,
        "scans/scan_detail.html",
        {
            "scan": scan,
            "current": versions[0],
            "versions": versions,
            "can_edit": can_edit_instrument(request.user, scan.instrument),
            "can_start": facilitated.exists(),
            "agreement_labels": AGREEMENT_LABELS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def scan_create(request, slug: str):
    instrument = get_instrument_for_user(user=request.user, slug=slug)
    services.check_scan_edit_permission(request.user, instrument)
    form = ScanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        scan = services.scan_create(
            user=request.user,
            instrument=instrument,
            title=form.cleaned_data["title"],
            instructions=form.cleaned_data["instructions"],
            items=form.cleaned_data["items"],
        )
        messages.success(request, _("The scan has been saved."))
        return redirect(scan)
    return render(
        request, "scans/scan_form.html", {"form": form, "instrument": instrument, "scan": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def scan_edit(request, pk: int):
    scan = selectors.get_scan_for_user(user=request.user, pk=pk)
    services.check_scan_edit_permission(request.user, scan.instrument)
    current = selectors.current_version(scan)
    form = ScanForm(
        request.POST or None, editing=True, initial=ScanForm.initial_from_version(current)
    )
    if request.method == "POST" and form.is_valid():
        version = services.scan_update(
            user=request.user,
            scan=scan,
            title=form.cleaned_data["title"],
            instructions=form.cleaned_data["instructions"],
            items=form.cleaned_data["items"],
            note=form.cleaned_data["note"],
        )
        if version.number != current.number:
            messages.success(
                request,
                _("The scan already had answers, so your change is version %(number)d.")
                % {"number": version.number},
            )
        else:
            messages.success(request, _("Your changes have been saved."))
        return redirect(scan)
    return render(
        request,
        "scans/scan_form.html",
        {"form": form, "instrument": scan.instrument, "scan": scan, "scan_title": current.title},
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_start(request, pk: int):
    scan = selectors.get_scan_for_user(user=request.user, pk=pk)
    communities = selectors.facilitated_communities(request.user)
    if not communities.exists():
        raise PermissionDenied(_("Only facilitators of a community can start a round."))
    initial = {"title": selectors.current_version(scan).title}
    chosen = communities.filter(slug=request.GET.get("gemeenschap", "")).first()
    if chosen is not None:
        initial["community"] = chosen.pk
    form = RoundStartForm(request.POST or None, communities=communities, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.round_start(
                user=request.user,
                community=form.cleaned_data["community"],
                scan=scan,
                title=form.cleaned_data["title"],
                closes_on=form.cleaned_data["closes_on"],
                min_responses=form.cleaned_data["min_responses"],
            )
        except ValidationError as error:
            # The service names its own fields; one the form lacks ("scan") goes on top.
            for name, field_errors in error.message_dict.items():
                form.add_error(name if name in form.fields else None, field_errors)
        else:
            messages.success(
                request,
                _("The round has started. Members have been notified; show them the QR code."),
            )
            return redirect(round_)
    return render(request, "scans/round_start.html", {"form": form, "scan": scan})


def _short_url(request, round_) -> str:
    return request.build_absolute_uri(reverse("scan_short", kwargs={"code": round_.code}))


@require_GET
def round_detail(request, code: str):
    round_ = selectors.get_round_for_user(user=request.user, code=code)
    results = selectors.round_results(round_)
    is_open = round_.is_open()
    return render(
        request,
        "scans/round_detail.html",
        {
            "round": round_,
            "community": round_.community,
            "results": results,
            "is_open": is_open,
            "can_answer": is_open and round_.viewer_role in ANSWERING_ROLES,
            "is_facilitator": round_.viewer_role == MemberRole.FACILITATOR,
            "can_write_journal": round_.viewer_role in ANSWERING_ROLES,
            "has_answered": selectors.own_answers(request.user, round_) is not None,
            "member_count": selectors.member_count(round_.community),
            "short_url": _short_url(request, round_),
            "minimum": round_.group_minimum,
            "agreement_labels": AGREEMENT_LABELS,
        },
    )


def _posted_answers(post, items) -> tuple[dict, dict]:
    values, texts = {}, {}
    for item in items:
        if item.scale == ItemScale.OPEN:
            texts[item.key] = post.get(f"item-{item.key}", "")
        else:
            values[item.key] = post.get(f"item-{item.key}", "")
    return values, texts


@login_required
@require_http_methods(["GET", "POST"])
def round_answer(request, code: str):
    round_ = selectors.get_round_for_user(user=request.user, code=code)
    items = list(round_.version.items.all())
    own = selectors.own_answers(request.user, round_)
    values, texts = own or ({}, {})
    errors = {}
    if request.method == "POST":
        values, texts = _posted_answers(request.POST, items)
        try:
            services.response_save(user=request.user, round_=round_, values=values, texts=texts)
        except ValidationError as error:
            errors = error.message_dict
        else:
            if own:
                messages.success(request, _("Your answers have been changed."))
            else:
                messages.success(request, _("Thank you, your answers have been saved."))
            return redirect(round_)
    return render(
        request,
        "scans/round_answer.html",
        {
            "round": round_,
            "community": round_.community,
            "items": items,
            "values": {key: str(value) for key, value in values.items()},
            "texts": texts,
            "errors": errors,
            "is_open": round_.is_open(),
            "may_answer": round_.viewer_role in ANSWERING_ROLES,
            "has_answered": own is not None,
            "agreement_labels": [(n, label) for n, label in enumerate(AGREEMENT_LABELS, start=1)],
            "minimum": round_.group_minimum,
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def round_close(request, code: str):
    round_ = selectors.get_round_for_user(user=request.user, code=code)
    services.round_close(user=request.user, round_=round_)
    messages.success(request, _("The round is closed."))
    return redirect(round_)


@login_required
@require_POST
def round_hide_answer(request, code: str):
    round_ = selectors.get_round_for_user(user=request.user, code=code)
    if services.open_answer_hide(
        user=request.user, round_=round_, token=request.POST.get("answer", "")
    ):
        messages.success(request, _("The answer is no longer shown."))
    else:
        messages.error(request, _("This answer does not exist or is already hidden."))
    return redirect(round_)


@login_required
@require_POST
def round_journal(request, code: str):
    round_ = selectors.get_round_for_user(user=request.user, code=code)
    try:
        entry = services.round_journal_entry(user=request.user, round_=round_)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(round_)
    messages.success(request, _("The round and its discussion points are in the journal."))
    return redirect(entry)


@require_GET
def round_poster(request, code: str):
    round_ = selectors.get_round_for_user(user=request.user, code=code)
    results = selectors.round_results(round_)
    if results is None:
        raise Http404
    response = HttpResponse(round_poster_pdf(results), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="scan-{round_.code}.pdf"'
    return response


@require_GET
@cache_control(private=True, max_age=3600)
def round_qr(request, code: str):
    round_ = selectors.get_round_for_user(user=request.user, code=code)
    return HttpResponse(qr_svg(_short_url(request, round_)), content_type="image/svg+xml")


@require_GET
def short_link(request, code: str):
    """``/s/<code>/``: the link on the QR code, short enough to type on a phone."""
    return redirect("scans:answer", code=code.strip().lower())
