"""Pages of the instrument library. Views orchestrate: access helper, form, service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from comments.selectors import comment_thread
from experiences.views import instrument_region_context
from insights.services import instrument_view_record
from instruments import selectors, services
from instruments.constants import PHASE_ORDER, Phase, Status
from instruments.forms import AttachmentForm, InstrumentForm
from instruments.records import FIELD_LABELS
from journal.selectors import instrument_usage
from lib.revisions import diff_records, revision_pair
from scans.sections import instrument_section
from search.recommendations import recommendations_for_instrument

PAGE_SIZE = 20


@require_GET
def phase_detail(request, phase: str):
    if phase not in PHASE_ORDER:
        raise Http404
    guide = selectors.phase_guide(user=request.user, phase=Phase(phase))
    return render(request, "instruments/phase_detail.html", {"guide": guide})


@require_GET
@vary_on_headers("HX-Request")  # one URL, two renderings: keep caches from mixing them up
def instrument_list(request):
    filters = selectors.InstrumentFilters.from_querydict(request.GET)
    page, facets = selectors.instrument_list_page(
        user=request.user, filters=filters, page_number=request.GET.get("page"), per_page=PAGE_SIZE
    )
    context = {
        "page": page,
        # A few numbers around the current page, not one link per page: thousands of
        # pages in a large library made the page's size and rendering grow with it.
        "page_numbers": [
            n if isinstance(n, int) else None
            for n in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
        ],
        "filters": filters,
        "facets": facets,
    }
    template = "instruments/_results.html" if request.htmx else "instruments/instrument_list.html"
    return render(request, template, context)


def _detail_context(request, instrument, *, attachment_form=None) -> dict:
    """What the instrument page shows: the instrument, and from other apps where it worked
    (experiences), its use in development journals, its comments and recommendations (similar
    instruments, instruments that worked in similar contexts), each read through the
    visibility rule for ``request.user``.
    """
    return {
        "instrument": instrument,
        "can_edit": services.can_edit_instrument(request.user, instrument),
        "attachment_form": attachment_form or AttachmentForm(),
        **instrument_region_context(request, instrument),
        "journal_usage": instrument_usage(user=request.user, instrument=instrument),
        "comment_thread": comment_thread(user=request.user, target=instrument),
        "recommendations": recommendations_for_instrument(request.user, instrument),
        "scan_section": instrument_section(request, instrument),
    }


@require_GET
def instrument_detail(request, slug: str):
    instrument = selectors.get_instrument_for_user(user=request.user, slug=slug)
    instrument_view_record(request=request, instrument=instrument)
    return render(
        request, "instruments/instrument_detail.html", _detail_context(request, instrument)
    )


@login_required
@require_http_methods(["GET", "POST"])
def instrument_create(request):
    services.check_instrument_create_permission(request.user)
    form = InstrumentForm(request.POST or None, user=request.user, initial={"status": Status.DRAFT})
    if request.method == "POST" and form.is_valid():
        record = form.to_record(slug="")
        record.pop("id")
        instrument = services.instrument_create(
            user=request.user, record_without_id=record, note=form.cleaned_data["note"]
        )
        messages.success(request, _("The instrument has been saved."))
        return redirect(instrument)
    return render(request, "instruments/instrument_form.html", {"form": form, "instrument": None})


@login_required
@require_http_methods(["GET", "POST"])
def instrument_edit(request, slug: str):
    instrument = selectors.get_instrument_for_user(user=request.user, slug=slug)
    services.check_instrument_edit_permission(request.user, instrument)
    initial = InstrumentForm.initial_from_record(selectors.instrument_record(instrument))
    form = InstrumentForm(
        request.POST or None, user=request.user, instrument=instrument, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        services.instrument_update(
            user=request.user,
            instrument=instrument,
            record=form.to_record(slug=instrument.slug),
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("Your changes have been saved as a new revision."))
        return redirect(instrument)
    return render(
        request, "instruments/instrument_form.html", {"form": form, "instrument": instrument}
    )


@login_required
@require_http_methods(["POST"])
def attachment_add(request, slug: str):
    instrument = selectors.get_instrument_for_user(user=request.user, slug=slug)
    services.check_instrument_edit_permission(request.user, instrument)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        services.instrument_attachment_add(
            user=request.user,
            instrument=instrument,
            title=form.cleaned_data["title"],
            uploaded_file=form.cleaned_data["file"],
            content_type=form.cleaned_data["content_type"],
        )
        messages.success(request, _("The attachment has been added."))
        return redirect(instrument)
    return render(
        request,
        "instruments/instrument_detail.html",
        _detail_context(request, instrument, attachment_form=form),
        status=400,
    )


@require_GET
def revision_list(request, slug: str):
    instrument = selectors.get_instrument_for_user(user=request.user, slug=slug)
    revisions = instrument.revisions.select_related("author")
    return render(
        request,
        "instruments/revision_list.html",
        {"instrument": instrument, "revisions": revisions},
    )


@require_GET
def revision_compare(request, slug: str):
    """What changed between revision ``van`` and revision ``tot`` (defaults: the last two)."""
    instrument = selectors.get_instrument_for_user(user=request.user, slug=slug)
    old, new = revision_pair(
        instrument.revisions.select_related("author"),
        old=request.GET.get("van"),
        new=request.GET.get("tot"),
    )
    changes = diff_records(old.data if old else {}, new.data, FIELD_LABELS)
    return render(
        request,
        "instruments/revision_compare.html",
        {"instrument": instrument, "old": old, "new": new, "changes": changes},
    )
