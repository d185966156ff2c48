"""Provider insights pages. Views orchestrate: access helper, selector, charts, render."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from insights import charts, selectors, services


def _provider_page(request, provider):
    insights = selectors.provider_insights(user=request.user, provider=provider)
    context = {
        "insights": insights,
        "provider": provider,
        "own": provider.pk == request.user.pk,
        "views_chart": charts.provider_views_chart(insights),
    }
    return render(request, "insights/provider_insights.html", context)


@login_required
@require_GET
def my_insights(request):
    """The signed-in provider's overview. Anyone else learns how to become a provider
    (403); staff get the list of providers instead, whose pages they may open."""
    if request.user.is_provider:
        return _provider_page(request, request.user)
    providers = selectors.providers() if request.user.is_staff else []
    return render(
        request,
        "insights/not_provider.html",
        {"providers": providers},
        status=200 if request.user.is_staff else 403,
    )


@login_required
@require_GET
def provider_insights(request, user_id: int):
    services.check_provider_insights_permission(request.user, user_id)
    if user_id == request.user.pk:
        return _provider_page(request, request.user)
    return _provider_page(request, get_object_or_404(get_user_model(), pk=user_id))


@login_required
@require_GET
def instrument_insights(request, slug: str):
    instrument = selectors.get_instrument_for_insights(user=request.user, slug=slug)
    services.check_instrument_insights_permission(request.user, instrument)
    insights = selectors.instrument_insights(user=request.user, instrument=instrument)
    context = {"insights": insights, "instrument": instrument, **charts.instrument_charts(insights)}
    return render(request, "insights/instrument_insights.html", context)
