"""Pages of communities. Views orchestrate: access helper, form, service, render.

Access: pages that show a community use ``get_community_for_user`` (404 when the
viewer may not know it exists); pages and actions on its content or membership use
``get_readable_community`` (404 for outsiders of a closed community) and let the
service check the role (403). Anonymous visitors of a write are sent to sign in.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from communities import selectors, services
from communities.forms import (
    CommunityForm,
    InvitationForm,
    JoinRequestForm,
    PartnerForm,
    RoleForm,
)
from communities.models import JoinRequest, Membership, Partner, Visibility
from communities.sections import render_actions, render_sections

PAGE_SIZE = 20


def _error_messages(error: ValidationError) -> str:
    return " ".join(error.messages)


@require_GET
def community_list(request):
    filters = selectors.CommunityFilters.from_querydict(request.GET)
    paginator = Paginator(selectors.community_list(user=request.user, filters=filters), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    labels = selectors.sector_labels()
    page.object_list = selectors.with_sector_labels(page.object_list, labels)
    context = {
        "page": page,
        "filters": filters,
        "facets": selectors.community_facets(user=request.user, filters=filters, labels=labels),
    }
    return render(request, "communities/community_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def community_create(request):
    form = CommunityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            community = services.community_create(user=request.user, **form.service_fields())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The community has been created. You are its facilitator."))
            return redirect(community)
    return render(request, "communities/community_form.html", {"form": form, "community": None})


@require_GET
def community_detail(request, slug: str):
    community = selectors.get_community_for_user(user=request.user, slug=slug)
    [community] = selectors.with_sector_labels([community])
    context = {
        "community": community,
        "is_facilitator": selectors.is_facilitator(community),
        "actions": render_actions(request, community),
        "can_request_to_join": (
            community.viewer_role is None and community.visibility != Visibility.CONFIDENTIAL
        ),
    }
    if community.viewer_can_read:
        context["partner_groups"] = selectors.partner_groups(community)
        context["members"] = selectors.community_members(community)
        context["sections"] = render_sections(request, community)
    if context["is_facilitator"]:
        context["pending_count"] = selectors.pending_join_requests(community).count()
    elif community.viewer_role is None:
        context["request_pending"] = selectors.has_pending_join_request(request.user, community)
    return render(request, "communities/community_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def community_edit(request, slug: str):
    community = selectors.get_readable_community(user=request.user, slug=slug)
    selectors.check_facilitator(request.user, community)
    form = CommunityForm(request.POST or None, instance=community)
    if request.method == "POST" and form.is_valid():
        try:
            services.community_update(
                user=request.user, community=community, **form.service_fields()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The settings have been saved."))
            return redirect(community)
    return render(
        request, "communities/community_form.html", {"form": form, "community": community}
    )


# --- partners ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def partner_list(request, slug: str):
    community = selectors.get_readable_community(user=request.user, slug=slug)
    selectors.check_facilitator(request.user, community)
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.partner_add(
                user=request.user, community=community, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(organisation)s has been added as a partner.")
                % {"organisation": partner.organisation.name},
            )
            return redirect("communities:partners", slug=community.slug)
    context = {
        "community": community,
        "form": form,
        "partner_groups": selectors.partner_groups(community),
    }
    return render(request, "communities/partner_list.html", context)


@login_required
@require_POST
def partner_remove(request, slug: str, pk: int):
    community = selectors.get_readable_community(user=request.user, slug=slug)
    partner = get_object_or_404(
        Partner.objects.select_related("organisation"), pk=pk, community=community
    )
    services.partner_remove(user=request.user, partner=partner)
    messages.success(
        request,
        _("%(organisation)s is no longer listed as a partner.")
        % {"organisation": partner.organisation.name},
    )
    return redirect("communities:partners", slug=community.slug)


# --- members -----------------------------------------------------------------------


def _members_context(community, *, invitation_form=None) -> dict:
    context = {
        "community": community,
        "members": selectors.community_members(community),
        "is_facilitator": selectors.is_facilitator(community),
    }
    if context["is_facilitator"]:
        context["join_requests"] = list(selectors.pending_join_requests(community))
        context["invitations"] = list(selectors.open_invitations(community))
        context["invitation_form"] = invitation_form or InvitationForm()
        context["role_choices"] = RoleForm.base_fields["role"].choices
        context["days"] = services.INVITATION_DAYS
    return context


@require_GET
def member_list(request, slug: str):
    community = selectors.get_readable_community(user=request.user, slug=slug)
    return render(request, "communities/member_list.html", _members_context(community))


def _membership(community, pk: int) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user", "community"), pk=pk, community=community
    )


@login_required
@require_POST
def member_set_role(request, slug: str, pk: int):
    community = selectors.get_readable_community(user=request.user, slug=slug)
    membership = _membership(community, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role."))
        return redirect("communities:members", slug=community.slug)
    try:
        services.membership_set_role(
            user=request.user, membership=membership, role=form.cleaned_data["role"]
        )
    except ValidationError as error:
        messages.error(request, _error_messages(error))
    else:
        messages.success(
            request,
            _("%(person)s is now %(role)s.")
            % {"person": membership.user, "role": membership.get_role_display().lower()},
        )
    return redirect("communities:members", slug=community.slug)


@login_required
@require_POST
def member_remove(request, slug: str, pk: int):
    community = selectors.get_readable_community(user=request.user, slug=slug)
    membership = _membership(community, pk)
    try:
        services.membership_remove(user=request.user, membership=membership)
    except ValidationError as error:
        messages.error(request, _error_messages(error))
    else:
        messages.success(
            request,
            _("%(person)s is no longer a member.") % {"person": membership.user},
        )
    return redirect("communities:members", slug=community.slug)


@login_required
@require_http_methods(["GET", "POST"])
def community_leave(request, slug: str):
    community = selectors.get_readable_community(user=request.user, slug=slug)
    if community.viewer_role is None:
        raise PermissionDenied(_(services.MESSAGE_NOT_A_MEMBER))
    if request.method == "POST":
        try:
            services.membership_leave(user=request.user, community=community)
        except ValidationError as error:
            messages.error(request, _error_messages(error))
            return redirect(community)
        messages.success(request, _("You have left %(community)s.") % {"community": community.name})
        if community.visibility == Visibility.PUBLIC:
            return redirect(community)
        return redirect("communities:list")
    return render(request, "communities/leave.html", {"community": community})


# --- invitations -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def invitation_create(request, slug: str):
    community = selectors.get_readable_community(user=request.user, slug=slug)
    selectors.check_facilitator(request.user, community)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = services.invitation_create(
                user=request.user, community=community, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("An invitation has been sent to %(email)s.") % {"email": invitation.email},
            )
            return redirect("communities:members", slug=community.slug)
    return render(
        request,
        "communities/invitation_form.html",
        {"community": community, "form": form, "days": services.INVITATION_DAYS},
    )


def _invitation_gone(request, message: str):
    return render(request, "communities/invitation_gone.html", {"message": message}, status=410)


@require_http_methods(["GET", "POST"])
def invitation_detail(request, token: str):
    """The link in the mail: sign in (then back here), confirm, and join."""
    invitation = selectors.get_invitation_by_token(token)
    try:
        services.invitation_check(invitation)
    except services.InvitationGone as gone:
        return _invitation_gone(request, gone.message)
    context = {"invitation": invitation, "community": invitation.community}
    if not request.user.is_authenticated:
        next_query = urlencode({"next": request.get_full_path()})
        context["login_url"] = f"{reverse('account_login')}?{next_query}"
        context["signup_url"] = f"{reverse('account_signup')}?{next_query}"
        return render(request, "communities/invitation.html", context)
    if not services.invitation_addressed_to(invitation, request.user):
        context["wrong_account"] = True
        return render(request, "communities/invitation.html", context, status=403)
    if selectors.member_role(request.user, invitation.community) is not None:
        context["already_member"] = True
        return render(request, "communities/invitation.html", context)
    if request.method == "POST":
        try:
            services.invitation_accept(user=request.user, token=token)
        except services.InvitationGone as gone:
            return _invitation_gone(request, gone.message)
        messages.success(
            request,
            _("Welcome to %(community)s.") % {"community": invitation.community.name},
        )
        return redirect(invitation.community)
    return render(request, "communities/invitation.html", context)


# --- join requests -----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def join_request_create(request, slug: str):
    community = selectors.get_community_for_user(user=request.user, slug=slug)
    if community.viewer_role is not None:
        messages.info(request, _("You are already a member of this community."))
        return redirect(community)
    if selectors.has_pending_join_request(request.user, community):
        messages.info(request, _(services.MESSAGE_ALREADY_REQUESTED))
        return redirect(community)
    form = JoinRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.join_request_create(
                user=request.user, community=community, message=form.cleaned_data["message"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your request has been sent. The facilitators will reply."))
            return redirect(community)
    return render(request, "communities/join_form.html", {"community": community, "form": form})


@login_required
@require_POST
def join_request_decide(request, slug: str, pk: int):
    community = selectors.get_readable_community(user=request.user, slug=slug)
    join_request = get_object_or_404(
        JoinRequest.objects.select_related("user", "community"), pk=pk, community=community
    )
    accept = request.POST.get("decision") == "accept"
    try:
        services.join_request_decide(user=request.user, join_request=join_request, accept=accept)
    except ValidationError as error:
        messages.error(request, _error_messages(error))
    else:
        if accept:
            text = _("%(person)s is now a member.")
        else:
            text = _("The request of %(person)s has been declined.")
        messages.success(request, text % {"person": join_request.user})
    return redirect("communities:members", slug=community.slug)
