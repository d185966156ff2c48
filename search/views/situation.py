""" "Describe your situation": a facilitator's paragraph in, what fits it out."""

from __future__ import annotations

from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from search.forms import SituationForm
from search.recommendations import situation_matches

# A shareable link repeats the text in the URL; past this length it is left out.
SHARE_URL_MAX_CHARS = 2000


@require_http_methods(["GET", "POST"])
def situation_page(request):
    """The form, and below it the matches. POST (with CSRF) is the form's method; a GET
    with ``?tekst=`` gives the same page, so the matches can be shared as a link."""
    data = request.POST if request.method == "POST" else None
    if data is None and "tekst" in request.GET:
        data = request.GET
    form = SituationForm(data)
    matches = None
    share_url = ""
    if data is not None and form.is_valid():
        sector = form.cleaned_data["sector"]
        matches = situation_matches(
            request.user,
            form.cleaned_data["tekst"],
            sector=sector.slug if sector else "",
            region=form.cleaned_data["regio"],
        )
        params = {"tekst": form.cleaned_data["tekst"]}
        if sector:
            params["sector"] = sector.slug
        if form.cleaned_data["regio"]:
            params["regio"] = form.cleaned_data["regio"]
        share_url = f"{reverse('search:situation')}?{urlencode(params)}"
        if len(share_url) > SHARE_URL_MAX_CHARS:
            share_url = ""
    return render(
        request,
        "search/situation.html",
        {"form": form, "matches": matches, "submitted": data is not None, "share_url": share_url},
    )
