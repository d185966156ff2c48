"""Pages of experiences. Views orchestrate: access helper, form, service, render/redirect.

The share form on an instrument page posts here with htmx and gets back the page's
"where it worked" region (one URL, two renderings); without JavaScript the same POST
redirects back to the instrument page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from comments.selectors import comment_thread
from experiences import selectors, services
from experiences.forms import ExperienceFilterForm, ExperienceForm
from instruments.selectors import get_instrument_for_user

PAGE_SIZE = 20

# The hidden field the instrument page's form sends, so a no-JS POST returns there.
FROM_INSTRUMENT = "instrument"


@require_GET
def experience_list(request):
    filters = selectors.ExperienceFilters.from_querydict(request.GET)
    paginator = Paginator(selectors.experience_list(user=request.user, filters=filters), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    filter_form = ExperienceFilterForm(
        {"sector": filters.sector, "niveau": filters.level, "fase": filters.phase},
        sectors=selectors.filter_sectors(),
    )
    context = {"page": page, "filters": filters, "filter_form": filter_form}
    return render(request, "experiences/experience_list.html", context)


@require_GET
def experience_detail(request, experience_id: int):
    experience = selectors.get_experience_for_user(user=request.user, experience_id=experience_id)
    context = {
        "experience": experience,
        "can_edit": request.user.is_authenticated and experience.author_id == request.user.pk,
        "comment_thread": comment_thread(user=request.user, target=experience),
    }
    return render(request, "experiences/experience_detail.html", context)


def instrument_region_context(request, instrument, *, form=None, status: str = "") -> dict:
    """What the instrument page's "where it worked" region shows (see its template)."""
    if form is None and request.user.is_authenticated:
        form = ExperienceForm(user=request.user, auto_id="experience-%s")
    return {
        "instrument": instrument,
        "where_it_worked": selectors.where_it_worked(user=request.user, instrument=instrument),
        "experience_form": form,
        "experience_status": status,
    }


@login_required
@require_http_methods(["GET", "POST"])
def experience_create(request):
    slug = request.GET.get("instrument", "")
    if not slug:
        raise Http404
    instrument = get_instrument_for_user(user=request.user, slug=slug)
    from_instrument = request.htmx or request.POST.get("from") == FROM_INSTRUMENT
    auto_id = "experience-%s" if from_instrument else "id_%s"
    form = ExperienceForm(request.POST or None, user=request.user, auto_id=auto_id)
    if request.method == "POST" and form.is_valid():
        experience = services.experience_create(
            author=request.user, instrument=instrument, **form.to_fields()
        )
        thanks = (
            _(
                "Thank you. A moderator checks a new member's first contributions before "
                "others see them; until then only you see this one, marked as pending review."
            )
            if experience.is_pending
            else _("Thank you: your experience has been shared.")
        )
        if request.htmx:
            context = instrument_region_context(request, instrument, status=thanks)
            return render(request, "experiences/_instrument_region_update.html", context)
        messages.success(request, thanks)
        if from_instrument:
            return redirect(f"{instrument.get_absolute_url()}#where-it-worked")
        return redirect(experience)
    if request.htmx:
        # 200, not 400: htmx swaps only successful responses, and the errors must show.
        context = instrument_region_context(request, instrument, form=form)
        return render(request, "experiences/_instrument_region_update.html", context)
    status = 400 if request.method == "POST" else 200
    context = {
        "form": form,
        "instrument": instrument,
        "experience": None,
        "from_instrument": from_instrument,
    }
    return render(request, "experiences/experience_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def experience_edit(request, experience_id: int):
    experience = selectors.get_experience_for_user(user=request.user, experience_id=experience_id)
    services.check_experience_edit_permission(request.user, experience)
    form = ExperienceForm(request.POST or None, user=request.user, experience=experience)
    if request.method == "POST" and form.is_valid():
        services.experience_update(user=request.user, experience=experience, **form.to_fields())
        messages.success(request, _("Your changes have been saved."))
        return redirect(experience)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "instrument": experience.instrument, "experience": experience}
    return render(request, "experiences/experience_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def experience_delete(request, experience_id: int):
    experience = selectors.get_experience_for_user(user=request.user, experience_id=experience_id)
    services.check_experience_edit_permission(request.user, experience)
    if request.method == "POST":
        instrument = experience.instrument
        services.experience_delete(user=request.user, experience=experience)
        messages.success(request, _("Your experience has been deleted."))
        return redirect(instrument)
    return render(request, "experiences/experience_confirm_delete.html", {"experience": experience})
