"""Pages of a community's development journal. Views orchestrate: access helper, form,
service, render. Every URL receives ``slug``, the community's code.
"""

from __future__ import annotations

import copy
import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from comments.selectors import comment_thread
from communities.models import MemberRole
from communities.selectors import get_readable_community
from instruments.constants import Phase
from instruments.forms import AttachmentForm
from journal import selectors, services
from journal.forms import JournalEntryForm, ValueStoryFormSet, stories_from
from journal.models import JournalAttachment

PAGE_SIZE = 20
STORY_PREFIX = "stories"
# Shown in the browser; everything else is downloaded.
INLINE_TYPES = {"application/pdf", "image/png", "image/jpeg"}


def _can_write(community) -> bool:
    return community.viewer_role in (MemberRole.FACILITATOR, MemberRole.MEMBER)


def _mark_editable(request, community, entries) -> None:
    for entry in entries:
        entry.viewer_can_edit = request.user.is_authenticated and services.can_edit_entry(
            request.user, entry, role=community.viewer_role
        )


@require_GET
@vary_on_headers("HX-Request")  # one URL, two renderings: keep caches from mixing them up
def timeline(request, slug: str):
    community = get_readable_community(user=request.user, slug=slug)
    filters = selectors.TimelineFilters.from_querydict(request.GET)
    entries = selectors.journal_timeline(user=request.user, community=community, filters=filters)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    _mark_editable(request, community, page.object_list)
    context = {
        "community": community,
        "page": page,
        "filters": filters,
        "instrument_options": selectors.timeline_instrument_options(
            user=request.user, community=community
        ),
        "can_write": _can_write(community),
        "phase_choices": Phase.choices,
    }
    template = "journal/_timeline.html" if request.htmx else "journal/timeline.html"
    return render(request, template, context)


@require_GET
def value_overview(request, slug: str):
    community = get_readable_community(user=request.user, slug=slug)
    overview = selectors.value_overview(community=community)
    return render(
        request,
        "journal/value_overview.html",
        {"community": community, "overview": overview, "can_write": _can_write(community)},
    )


def _entry_page(request, community, entry, *, attachment_form=None, status=200):
    _mark_editable(request, community, [entry])
    context = {
        "community": community,
        "entry": entry,
        "attachment_form": attachment_form or AttachmentForm(),
        "comment_thread": comment_thread(user=request.user, target=entry),
    }
    return render(request, "journal/entry_detail.html", context, status=status)


@require_GET
def entry_detail(request, slug: str, entry_id: int):
    community = get_readable_community(user=request.user, slug=slug)
    entry = selectors.get_entry_for_user(user=request.user, community=community, entry_id=entry_id)
    return _entry_page(request, community, entry)


def _save_entry_form(request, *, community, form, stories, save):
    """Validate the entry form and its stories; on success call ``save(fields)``."""
    if request.method != "POST" or not all([form.is_valid(), stories.is_valid()]):
        return None
    try:
        return save({**form.entry_fields(), "value_stories": stories_from(stories)})
    except ValidationError as exc:  # the forms check the same rules; this is a fallback
        form.add_error(None, exc.messages)
        return None


def _error_count(form, stories) -> int:
    """How many messages the error summary lists (form, formset and each story)."""
    count = sum(len(errors) for errors in form.errors.values())
    count += len(stories.non_form_errors()) if stories.is_bound else 0
    for story_form in stories.forms:
        count += sum(len(errors) for errors in story_form.errors.values())
    return count


def _form_page(request, *, community, form, stories, entry=None):
    context = {
        "community": community,
        "form": form,
        "stories": stories,
        "entry": entry,
        "error_count": _error_count(form, stories),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "journal/entry_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def entry_create(request, slug: str):
    community = get_readable_community(user=request.user, slug=slug)
    services.check_journal_write_permission(request.user, community)
    initial = {"date": timezone.localdate(), "phase": community.current_phase}
    form = JournalEntryForm(request.POST or None, user=request.user, initial=initial)
    stories = ValueStoryFormSet(request.POST or None, prefix=STORY_PREFIX)
    entry = _save_entry_form(
        request,
        community=community,
        form=form,
        stories=stories,
        save=lambda fields: services.journal_entry_create(
            user=request.user, community=community, **fields
        ),
    )
    if entry is not None:
        added = _("The journal entry has been added.")
        if entry.is_pending:
            added = _(
                "Thank you. A moderator checks a new member's first contributions before "
                "others see them; until then only you see this one, marked as pending review."
            )
        messages.success(request, added)
        return redirect(entry)
    return _form_page(request, community=community, form=form, stories=stories)


@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request, slug: str, entry_id: int):
    community = get_readable_community(user=request.user, slug=slug)
    entry = selectors.get_entry_for_user(user=request.user, community=community, entry_id=entry_id)
    services.check_journal_entry_edit_permission(request.user, entry)
    # The form works on a copy, so the page keeps showing the saved title on errors.
    form = JournalEntryForm(
        request.POST or None,
        user=request.user,
        instance=copy.copy(entry),
        initial={"instruments": entry.visible_instruments},
    )
    stories = ValueStoryFormSet(request.POST or None, instance=entry, prefix=STORY_PREFIX)
    saved = _save_entry_form(
        request,
        community=community,
        form=form,
        stories=stories,
        save=lambda fields: services.journal_entry_update(user=request.user, entry=entry, **fields),
    )
    if saved is not None:
        messages.success(request, _("Your changes have been saved."))
        return redirect(saved)
    return _form_page(request, community=community, form=form, stories=stories, entry=entry)


@login_required
@require_http_methods(["GET", "POST"])
def entry_delete(request, slug: str, entry_id: int):
    community = get_readable_community(user=request.user, slug=slug)
    entry = selectors.get_entry_for_user(user=request.user, community=community, entry_id=entry_id)
    services.check_journal_entry_edit_permission(request.user, entry)
    if request.method == "POST":
        services.journal_entry_delete(user=request.user, entry=entry)
        messages.success(request, _("The journal entry has been deleted."))
        return redirect("journal:timeline", slug=community.slug)
    return render(
        request, "journal/entry_confirm_delete.html", {"community": community, "entry": entry}
    )


@login_required
@require_http_methods(["POST"])
def attachment_add(request, slug: str, entry_id: int):
    community = get_readable_community(user=request.user, slug=slug)
    entry = selectors.get_entry_for_user(user=request.user, community=community, entry_id=entry_id)
    services.check_journal_entry_edit_permission(request.user, entry)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        services.journal_attachment_add(
            user=request.user,
            entry=entry,
            title=form.cleaned_data["title"],
            uploaded_file=form.cleaned_data["file"],
            content_type=form.cleaned_data["content_type"],
        )
        messages.success(request, _("The attachment has been added."))
        return redirect(reverse("journal:detail", args=[slug, entry.pk]) + "#attachments-title")
    return _entry_page(request, community, entry, attachment_form=form, status=400)


@require_GET
@cache_control(private=True)
def attachment_download(request, slug: str, entry_id: int, attachment_id: int):
    """Attachments are served here, after the visibility check, never as public media."""
    community = get_readable_community(user=request.user, slug=slug)
    attachment = get_object_or_404(
        JournalAttachment, pk=attachment_id, entry_id=entry_id, entry__community=community
    )
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(
        handle,
        content_type=attachment.content_type,
        as_attachment=attachment.content_type not in INLINE_TYPES,
        filename=os.path.basename(attachment.file.name),
    )
