"""Pages of the knowledge base: the concept index, a concept, its editing and history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from knowledge import selectors, services
from knowledge.forms import ConceptForm
from knowledge.records import FIELD_LABELS
from lib.revisions import diff_records, revision_pair


@require_GET
def concept_list(request):
    return render(request, "knowledge/concept_list.html", {"concepts": selectors.concept_list()})


@require_GET
def concept_detail(request, slug: str):
    concept = selectors.get_concept(user=request.user, slug=slug)
    return render(request, "knowledge/concept_detail.html", {"concept": concept})


@login_required
@require_http_methods(["GET", "POST"])
def concept_edit(request, slug: str):
    concept = selectors.get_concept(user=request.user, slug=slug)
    services.check_concept_edit_permission(request.user)
    record = selectors.concept_record(concept)
    form = ConceptForm(request.POST or None, concept=concept, initial=record)
    if request.method == "POST" and form.is_valid():
        services.concept_update(
            user=request.user,
            concept=concept,
            record=form.to_record(),
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("Your changes have been saved as a new revision."))
        return redirect(concept)
    return render(request, "knowledge/concept_form.html", {"form": form, "concept": concept})


@require_GET
def revision_list(request, slug: str):
    concept = selectors.get_concept(user=request.user, slug=slug)
    revisions = concept.revisions.select_related("author")
    return render(
        request, "knowledge/revision_list.html", {"concept": concept, "revisions": revisions}
    )


@require_GET
def revision_compare(request, slug: str):
    concept = selectors.get_concept(user=request.user, slug=slug)
    old, new = revision_pair(
        concept.revisions.select_related("author"),
        old=request.GET.get("van"),
        new=request.GET.get("tot"),
    )
    changes = diff_records(old.data if old else {}, new.data, FIELD_LABELS)
    return render(
        request,
        "knowledge/revision_compare.html",
        {"concept": concept, "old": old, "new": new, "changes": changes},
    )
