"""Writes to communities: the community itself, its partners, members, invitations and
join requests. Every write checks permission itself (``check_facilitator`` and friends
from ``communities.selectors``); the views only translate the errors into pages.

``community_save_record`` is the library importer's write: it keeps a library record
(a demo community, public, without members) in step with ``communities.json``.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from audit.services import record_event
from communities.models import (
    DESIGN_CONSIDERATIONS,
    Community,
    Invitation,
    JoinRequest,
    MemberRole,
    Membership,
    Partner,
    Visibility,
)
from communities.selectors import check_facilitator, get_invitation_by_token
from communities.visibility import listed_communities, member_role
from instruments.services import organisation_get_or_create, unique_slug

# How long an invitation link works.
INVITATION_DAYS = 14

# Slugs that would collide with the fixed URLs under /communities/.
RESERVED_SLUGS = {"nieuw", "uitnodiging"}

# Fields a facilitator sets on the settings page (and a creator on the create page).
EDITABLE_FIELDS = [
    "name", "challenge", "level", "sectors", "region", "current_phase", "visibility",
    *DESIGN_CONSIDERATIONS,
]  # fmt: skip

SCALAR_FIELDS = [
    "name", "challenge", "level", "sectors", "region", "partners", "lead",
    "current_phase", "lessons", "source",
]  # fmt: skip

MESSAGE_SIGN_IN = gettext_noop("Sign in first.")
MESSAGE_LAST_FACILITATOR = gettext_noop(
    "A community needs at least one facilitator. Make someone else a facilitator first."
)
MESSAGE_NOT_A_MEMBER = gettext_noop("You are not a member of this community.")
MESSAGE_ALREADY_MEMBER = gettext_noop("You are already a member of this community.")
MESSAGE_ALREADY_REQUESTED = gettext_noop(
    "You have already asked to join this community; the facilitators will reply."
)
MESSAGE_NO_JOIN_REQUESTS = gettext_noop("This community does not take requests to join.")
MESSAGE_REQUEST_DECIDED = gettext_noop("This request has already been answered.")
MESSAGE_PARTNER_EXISTS = gettext_noop("This organisation is already a partner of this community.")
MESSAGE_INVITATION_USED = gettext_noop("This invitation has already been used.")
MESSAGE_INVITATION_EXPIRED = gettext_noop(
    "This invitation has expired. Ask a facilitator for a new one."
)
MESSAGE_INVITATION_UNKNOWN = gettext_noop("This invitation link is not valid.")
MESSAGE_INVITATION_OTHER_ADDRESS = gettext_noop(
    "This invitation was sent to another e-mail address. Sign in with the address the "
    "invitation was sent to."
)
MESSAGE_ALREADY_INVITED = gettext_noop(
    "This person has already been invited; the invitation is still open."
)


class InvitationGone(Exception):
    """The invitation link can no longer be used (used, expired or unknown)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _check_signed_in(user) -> None:
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_(MESSAGE_SIGN_IN))


def _facilitator_ids(community: Community) -> set[int]:
    return set(
        community.memberships.filter(role=MemberRole.FACILITATOR).values_list("user_id", flat=True)
    )


def _check_not_last_facilitator(membership: Membership) -> None:
    if membership.role != MemberRole.FACILITATOR:
        return
    others = (
        Membership.objects.select_for_update()
        .filter(community=membership.community, role=MemberRole.FACILITATOR)
        .exclude(pk=membership.pk)
    )
    if not others.exists():
        raise ValidationError(_(MESSAGE_LAST_FACILITATOR))


def _check_listed_or_404(user, community: Community) -> None:
    """Writes by outsiders of a community they may not know about fail like a missing page."""
    if not listed_communities(user).filter(pk=community.pk).exists():
        raise Http404


# --- the community ---------------------------------------------------------------


def _new_slug(name: str) -> str:
    slug = unique_slug(Community, name, fallback="community", max_length=100)
    if slug in RESERVED_SLUGS:
        slug = unique_slug(Community, f"{slug}-community", fallback="community", max_length=100)
    return slug


@transaction.atomic
def community_create(*, user, **fields) -> Community:
    """Create a community; ``user`` becomes its first facilitator.

    ``fields`` are the ``EDITABLE_FIELDS`` (name is required); anyone signed in may do this.
    """
    _check_signed_in(user)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown community fields: {', '.join(sorted(unknown))}")
    community = Community(created_by=user, **fields)
    community.slug = _new_slug(fields.get("name", ""))
    community.full_clean()
    community.save()
    membership = Membership(community=community, user=user, role=MemberRole.FACILITATOR)
    membership.full_clean(exclude=["community", "user"])
    membership.save()
    record_event(
        actor=user,
        action="community.created",
        target=community,
        after={"visibility": community.visibility},
    )
    _audit_membership(user, "membership.added", membership, after={"role": membership.role})
    return community


@transaction.atomic
def community_update(*, user, community: Community, **fields) -> Community:
    """Change the settings of ``community`` (facilitators only); the slug stays."""
    check_facilitator(user, community)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown community fields: {', '.join(sorted(unknown))}")
    visibility_before = community.visibility
    for name, value in fields.items():
        setattr(community, name, value)
    community.full_clean()
    community.save(update_fields=[*fields, "updated_at"])
    if community.visibility != visibility_before:
        record_event(
            actor=user,
            action="community.visibility_changed",
            target=community,
            before={"visibility": visibility_before},
            after={"visibility": community.visibility},
        )
    return community


@transaction.atomic
def community_save_record(*, record: dict) -> Community:
    """Create or update the community ``record["id"]`` from a record of ``communities.json``.

    The record must be valid already (see ``library.validation``); ``None`` and a
    missing key both mean "not known" and are stored blank. Library communities are
    public and have no members; their visibility and settings are left alone on update.
    """
    community = Community.objects.filter(slug=record["id"]).first() or Community(slug=record["id"])
    community.name = record["name"]
    community.challenge = record.get("challenge") or ""
    community.level = record.get("level") or ""
    community.sectors = list(record.get("sectors") or [])
    community.region = record.get("region") or ""
    community.partners = list(record.get("partners") or [])
    community.lead = record.get("lead") or ""
    community.current_phase = record.get("phase_hint") or ""
    community.lessons = list(record.get("lessons") or [])
    community.source = record.get("source") or ""
    community.full_clean()
    if community.pk:
        community.save(update_fields=[*SCALAR_FIELDS, "updated_at"])
    else:
        community.save()
    return community


# --- partners ----------------------------------------------------------------------


@transaction.atomic
def partner_add(*, user, community: Community, organisation_name: str, helix_role: str) -> Partner:
    check_facilitator(user, community)
    name = " ".join(organisation_name.split())
    if not name:
        raise ValidationError({"organisation_name": _("Name the organisation.")})
    organisation = organisation_get_or_create(name)
    if Partner.objects.filter(community=community, organisation=organisation).exists():
        raise ValidationError({"organisation_name": _(MESSAGE_PARTNER_EXISTS)})
    partner = Partner(community=community, organisation=organisation, helix_role=helix_role)
    partner.full_clean()
    partner.save()
    return partner


@transaction.atomic
def partner_remove(*, user, partner: Partner) -> None:
    check_facilitator(user, partner.community)
    partner.delete()


# --- members -----------------------------------------------------------------------


@transaction.atomic
def membership_add(*, user, community: Community, member, role: str) -> Membership:
    """A facilitator adds ``member`` directly (or changes the role of an existing member).

    The site itself adds people through invitations and join requests; this is for
    the admin, tests and scripts.
    """
    check_facilitator(user, community)
    membership = Membership.objects.filter(community=community, user=member).first()
    if membership is not None:
        return membership_set_role(user=user, membership=membership, role=role)
    return _membership_create(community=community, user=member, role=role, actor=user)


@transaction.atomic
def membership_grant(*, community: Community, member, role: str) -> Membership:
    """Make ``member`` a member with ``role`` on the platform's own authority.

    For the demo content and management commands, where no facilitator acts (a library
    community starts without members). The site's pages never call this.
    """
    membership = Membership.objects.filter(community=community, user=member).first()
    return membership or _membership_create(community=community, user=member, role=role)


def _audit_membership(actor, action: str, membership: Membership, **changes) -> None:
    """Record a membership change in the audit log (before the row may be deleted). The
    person is named by account id only: the log outlives a deleted account."""
    label = f"#{membership.user_id} @ {membership.community}"
    record_event(actor=actor, action=action, target=membership, target_label=label, **changes)


def _membership_create(*, community: Community, user, role: str, actor=None) -> Membership:
    """``actor`` is who let ``user`` in (``None``: the platform itself, for the audit log)."""
    membership = Membership(community=community, user=user, role=role)
    membership.full_clean(exclude=["community", "user"])
    membership.save()
    _audit_membership(actor, "membership.added", membership, after={"role": role})
    # Open requests to join end once the person is in.
    JoinRequest.objects.filter(
        community=community, user=user, status=JoinRequest.Status.PENDING
    ).update(status=JoinRequest.Status.ACCEPTED, decided_at=timezone.now())
    return membership


@transaction.atomic
def membership_set_role(*, user, membership: Membership, role: str) -> Membership:
    check_facilitator(user, membership.community)
    if role not in MemberRole.values:
        raise ValidationError({"role": _("Choose a role.")})
    if role != MemberRole.FACILITATOR:
        _check_not_last_facilitator(membership)
    role_before, membership.role = membership.role, role
    membership.full_clean(exclude=["community", "user"])
    membership.save(update_fields=["role"])
    if role != role_before:
        _audit_membership(
            user,
            "membership.role_changed",
            membership,
            before={"role": role_before},
            after={"role": role},
        )
    return membership


@transaction.atomic
def membership_remove(*, user, membership: Membership) -> None:
    check_facilitator(user, membership.community)
    _check_not_last_facilitator(membership)
    _audit_membership(user, "membership.removed", membership, before={"role": membership.role})
    membership.delete()


@transaction.atomic
def membership_leave(*, user, community: Community) -> None:
    _check_signed_in(user)
    membership = Membership.objects.filter(community=community, user=user).first()
    if membership is None:
        raise PermissionDenied(_(MESSAGE_NOT_A_MEMBER))
    _check_not_last_facilitator(membership)
    _audit_membership(user, "membership.left", membership, before={"role": membership.role})
    membership.delete()


# --- invitations -------------------------------------------------------------------


def invitation_url(token: str, *, request=None) -> str:
    from django.urls import reverse

    path = reverse("communities:invitation", kwargs={"token": token})
    return request.build_absolute_uri(path) if request is not None else path


@transaction.atomic
def invitation_create(
    *, user, community: Community, email: str, role: str = MemberRole.MEMBER, request=None
) -> tuple[Invitation, str]:
    """Invite ``email`` with ``role``; mails the link and returns (invitation, token).

    Only the token's hash is stored. If someone already has an account with that
    address, they also get an in-app notification.
    """
    from django.contrib.auth import get_user_model

    from notifications.services import notify_invitation

    check_facilitator(user, community)
    email = email.strip()
    User = get_user_model()
    recipient = User.objects.filter(email__iexact=email).first()
    if recipient is not None and member_role(recipient, community) is not None:
        raise ValidationError({"email": _("This person is already a member of this community.")})
    now = timezone.now()
    if Invitation.objects.filter(
        community=community, email__iexact=email, accepted_at__isnull=True, expires_at__gt=now
    ).exists():
        raise ValidationError({"email": _(MESSAGE_ALREADY_INVITED)})
    token, token_hash = Invitation.new_token()
    invitation = Invitation(
        community=community,
        email=email,
        role=role,
        token_hash=token_hash,
        invited_by=user,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    if recipient is not None:
        notify_invitation(invitation, recipient=recipient)
    # Last, so that a failing mail server rolls the invitation back (nothing half-done).
    _send_invitation_mail(invitation, token=token, request=request)
    return invitation, token


def _send_invitation_mail(invitation: Invitation, *, token: str, request=None) -> None:
    """The mail goes out in the site's language at the moment of inviting."""
    url = invitation_url(token, request=request)
    if request is None:
        url = f"{settings.SITE_URL}{url}"
    context = {
        "invitation": invitation,
        "community": invitation.community,
        "inviter": invitation.invited_by,
        "url": url,
        "days": INVITATION_DAYS,
        "role": invitation.get_role_display(),
    }
    subject = _("Invitation to join %(community)s") % {"community": invitation.community.name}
    body = render_to_string("communities/mail/invitation.txt", context)
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    send_mail(f"{prefix}{subject}", body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


def invitation_check(invitation: Invitation | None) -> Invitation:
    """The invitation if its link still works; otherwise raise ``InvitationGone``."""
    if invitation is None:
        raise InvitationGone(_(MESSAGE_INVITATION_UNKNOWN))
    if invitation.accepted_at is not None:
        raise InvitationGone(_(MESSAGE_INVITATION_USED))
    if invitation.expires_at <= timezone.now():
        raise InvitationGone(_(MESSAGE_INVITATION_EXPIRED))
    return invitation


def invitation_addressed_to(invitation: Invitation, user) -> bool:
    """Whether ``user`` owns the address the invitation was sent to (any verified address)."""
    from allauth.account.models import EmailAddress

    wanted = invitation.email.lower()
    if user.email.lower() == wanted:
        return True
    return EmailAddress.objects.filter(user=user, email__iexact=wanted, verified=True).exists()


@transaction.atomic
def invitation_accept(*, user, token: str) -> Membership:
    """Accept the invitation behind ``token`` as ``user``: a membership with its role.

    Works once, before it expires, and only for the invited address; otherwise it
    changes nothing and raises ``InvitationGone`` or ``PermissionDenied``.
    """
    _check_signed_in(user)
    invitation = get_invitation_by_token(token, for_update=True)
    invitation_check(invitation)
    if not invitation_addressed_to(invitation, user):
        raise PermissionDenied(_(MESSAGE_INVITATION_OTHER_ADDRESS))
    if member_role(user, invitation.community) is not None:
        raise ValidationError(_(MESSAGE_ALREADY_MEMBER))
    membership = _membership_create(
        community=invitation.community, user=user, role=invitation.role, actor=user
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


# --- join requests -----------------------------------------------------------------


@transaction.atomic
def join_request_create(*, user, community: Community, message: str = "") -> JoinRequest:
    """A signed-in outsider asks to join a public or members-only community."""
    from notifications.services import notify_join_request

    _check_signed_in(user)
    _check_listed_or_404(user, community)
    if community.visibility == Visibility.CONFIDENTIAL:
        raise PermissionDenied(_(MESSAGE_NO_JOIN_REQUESTS))
    if member_role(user, community) is not None:
        raise ValidationError(_(MESSAGE_ALREADY_MEMBER))
    if JoinRequest.objects.filter(
        community=community, user=user, status=JoinRequest.Status.PENDING
    ).exists():
        raise ValidationError(_(MESSAGE_ALREADY_REQUESTED))
    join_request = JoinRequest(community=community, user=user, message=message.strip())
    join_request.full_clean()
    join_request.save()
    notify_join_request(join_request, facilitator_ids=_facilitator_ids(community))
    return join_request


@transaction.atomic
def join_request_decide(*, user, join_request: JoinRequest, accept: bool) -> JoinRequest:
    """A facilitator accepts (the person becomes a member) or declines a pending request."""
    check_facilitator(user, join_request.community)
    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if join_request.status != JoinRequest.Status.PENDING:
        raise ValidationError(_(MESSAGE_REQUEST_DECIDED))
    join_request.status = JoinRequest.Status.ACCEPTED if accept else JoinRequest.Status.DECLINED
    join_request.decided_at = timezone.now()
    join_request.decided_by = user
    join_request.save(update_fields=["status", "decided_at", "decided_by"])
    if accept and member_role(join_request.user, join_request.community) is None:
        _membership_create(
            community=join_request.community,
            user=join_request.user,
            role=MemberRole.MEMBER,
            actor=user,
        )
    return join_request
