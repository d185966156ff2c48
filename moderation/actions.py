"""What a moderator can do to a piece of content or its author, one small class per action
(Misago's moderation actions): ``validate()`` checks permission, parameters and state,
``execute()`` does it in one transaction and returns an ``ActionResult``.

Every action writes a ``Decision`` (the reason the author is shown, and what they may appeal
once) and an audit event ``moderation.<id>`` with the fields it changed before and after,
in the same transaction as the change, then tells the author in-app.

Permission comes from ``moderation.rules.can_moderate``: content in a members-only or
confidential community only by its facilitators. A permission failure raises
``PermissionDenied`` (views answer 403); a wrong parameter or state makes ``execute()``
return ``ok=False`` with the message, and nothing is written.

The author's side (``appeal_create``) and the moderator's answer to an appeal
(``AppealDecide``) are here too: an appeal reverses exactly what an action did.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import AuditEvent
from audit.services import record_event
from moderation import services
from moderation.constants import ActionKind, AppealStatus, CaseStatus, ModerationState
from moderation.models import Appeal, Case, Decision
from moderation.registry import Kind, get_kind, kind_of
from moderation.rules import can_moderate, can_moderate_community

SUSPEND_MIN_DAYS = 1
SUSPEND_MAX_DAYS = 365
REASON_MAX_LENGTH = 2000

# Decisions an author may appeal: the ones that went against them.
APPEALABLE = frozenset(
    {ActionKind.HIDE, ActionKind.EDIT, ActionKind.WARN, ActionKind.SUSPEND, ActionKind.BAN}
)

MESSAGE_NOT_ALLOWED = gettext_lazy("You may not moderate this.")
MESSAGE_OWN_CONTENT = gettext_lazy("You cannot moderate your own contribution or account.")
MESSAGE_REASON_REQUIRED = gettext_lazy("Write the reason the author will read.")
MESSAGE_GONE = gettext_lazy("This item no longer exists.")


@dataclass(frozen=True)
class ActionResult:
    ok: bool
    message: str
    decision: Decision | None = None


class ModerationAction:
    """One moderator action on one item (and through it, on its author).

    ``target`` is a ``Case`` (its item is read through the kind's manager, whatever its
    state) or the item itself (its open case, if any, is used). ``reason`` is shown to the
    author; ``needs_reason`` actions refuse an empty one.
    """

    id: ClassVar[str]
    label: ClassVar[str]
    needs_reason: ClassVar[bool] = False
    # Templates show the class's id and label; they must not try to instantiate it.
    do_not_call_in_templates: ClassVar[bool] = True

    def __init__(self, moderator, target, *, reason: str = "", **params):
        self.moderator = moderator
        if isinstance(target, Case):
            self.case = target
            self.kind = get_kind(target.kind)
            self.target = self.kind.manager().filter(pk=target.object_id).first()
        else:
            self.kind = kind_of(target)
            self.target = target
            content_type = ContentType.objects.get_for_model(target, for_concrete_model=False)
            self.case = Case.objects.filter(
                content_type=content_type, object_id=target.pk, status=CaseStatus.OPEN
            ).first()
        # Parameters of other actions (``days``, ``fields``) are accepted and ignored, so
        # one call shape serves every action.
        self.reason = (reason or "").strip()

    # Checks ---------------------------------------------------------------------------

    @property
    def author(self):
        return self.kind.author_of(self.target) if self.target is not None else None

    def check_permission(self) -> None:
        if self.target is None:
            raise ValidationError(MESSAGE_GONE)
        if not can_moderate(self.moderator, self.kind, self.target):
            raise PermissionDenied(MESSAGE_NOT_ALLOWED)
        if self.kind.author_id_of(self.target) == self.moderator.pk:
            raise PermissionDenied(MESSAGE_OWN_CONTENT)

    def check_params(self) -> None:
        if self.needs_reason and not self.reason:
            raise ValidationError({"reason": MESSAGE_REASON_REQUIRED})
        if len(self.reason) > REASON_MAX_LENGTH:
            raise ValidationError(
                {"reason": _("Keep the reason under %(n)s characters.") % {"n": REASON_MAX_LENGTH}}
            )

    def check_state(self) -> None:
        """Refuse what makes no sense now (restore what is visible, ban the banned, ...)."""

    def validate(self) -> None:
        """Raise ``PermissionDenied`` or ``ValidationError``; return when the action may run."""
        self.check_permission()
        self.check_params()
        self.check_state()

    # Effects --------------------------------------------------------------------------

    @property
    def state(self) -> str:
        return self.target.moderation_state

    def apply(self) -> tuple[dict, dict]:
        """Change what the action changes; return the changed fields before and after."""
        raise NotImplementedError

    def after_decision(self, decision: Decision) -> None:
        """Case bookkeeping once the decision exists (settle reports, close the case)."""

    def success_message(self) -> str:
        return _("Done: %(action)s.") % {"action": ActionKind(self.id).label}

    def execute(self) -> ActionResult:
        """Validate and act in one transaction, on rows locked first: two moderators acting
        on one item at once cannot both hide it (the second sees it hidden already)."""
        try:
            with transaction.atomic():
                self._lock()
                self.validate()
                before, after = self.apply()
                decision = self.write_decision()
                record_event(
                    actor=self.moderator,
                    action=f"moderation.{self.id}",
                    target=self.target,
                    target_label=str(self.kind.title(self.target)),
                    summary=self.reason,
                    before=before,
                    after=after,
                )
                self.after_decision(decision)
                self.notify(decision)
        except ValidationError as error:
            return ActionResult(ok=False, message=" ".join(error.messages))
        return ActionResult(ok=True, message=self.success_message(), decision=decision)

    def _lock(self) -> None:
        """Read the item and its case again, locked until the transaction ends."""
        if self.target is not None:
            manager = self.kind.manager()
            self.target = manager.select_for_update().filter(pk=self.target.pk).first()
        if self.case is not None:
            self.case = Case.objects.select_for_update().get(pk=self.case.pk)

    def write_decision(self) -> Decision:
        author = self.author
        return Decision.objects.create(
            case=self.case or self._closed_case(),
            content_type=ContentType.objects.get_for_model(self.target, for_concrete_model=False),
            object_id=self.target.pk,
            kind=self.kind.key,
            action=self.id,
            moderator=self.moderator,
            author=author,
            reason=self.reason,
            suspended_until=getattr(self, "suspended_until", None),
        )

    def _closed_case(self) -> Case:
        """A closed case for an action taken without one, so that a later appeal is routed
        to the moderators of the item's community like everything else."""
        community = self.kind.community(self.target)
        return Case.objects.create(
            content_type=ContentType.objects.get_for_model(self.target, for_concrete_model=False),
            object_id=self.target.pk,
            kind=self.kind.key,
            community_id=getattr(community, "pk", None),
            author_id=self.kind.author_id_of(self.target),
            status=CaseStatus.CLOSED,
            closed_at=timezone.now(),
        )

    def notify(self, decision: Decision) -> None:
        if decision.author_id is None:
            return
        from notifications.services import notify_moderation_decision

        notify_moderation_decision(decision)

    def _settle_and_close(self, *, upheld: bool) -> None:
        if self.case is not None and self.case.status == CaseStatus.OPEN:
            services.settle_reports(self.case, upheld=upheld)
            services.close_case(self.case)


def _set_visibility(kind: Kind, obj, state: str) -> None:
    """Content through ``set_state`` (re-indexes it); a profile through its own field."""
    if kind.key == "profile":
        obj.moderation_state = state
        obj.save(update_fields=["moderation_state"])
    else:
        services.set_state(obj, state)


class Approve(ModerationAction):
    """A held contribution is fine: everyone sees it, and its notifications go out."""

    id = ActionKind.APPROVE
    label = gettext_lazy("Approve")

    def check_state(self) -> None:
        if self.state != ModerationState.PENDING:
            raise ValidationError(_("Only a contribution waiting for review can be approved."))

    def apply(self) -> tuple[dict, dict]:
        return {"moderation_state": self.state}, {"moderation_state": ModerationState.VISIBLE}

    def after_decision(self, decision: Decision) -> None:
        # The APPROVE decision exists now, so the release counts it towards trust.
        services.content_release(self.target)
        # Reports on a contribution found fine are settled as dismissed.
        self._settle_and_close(upheld=False)

    def success_message(self) -> str:
        return _("Approved: everyone can see it now.")


class Hide(ModerationAction):
    """Nobody but its author and the moderators sees the item any more."""

    id = ActionKind.HIDE
    label = gettext_lazy("Hide")
    needs_reason = True

    def check_state(self) -> None:
        if self.state == ModerationState.HIDDEN:
            raise ValidationError(_("This is hidden already."))

    def apply(self) -> tuple[dict, dict]:
        before = {"moderation_state": self.state}
        _set_visibility(self.kind, self.target, ModerationState.HIDDEN)
        return before, {"moderation_state": ModerationState.HIDDEN}

    def after_decision(self, decision: Decision) -> None:
        self._settle_and_close(upheld=True)

    def success_message(self) -> str:
        return _("Hidden: only its author and moderators can see it now.")


class Restore(ModerationAction):
    """A hidden item becomes visible again."""

    id = ActionKind.RESTORE
    label = gettext_lazy("Restore")

    def check_state(self) -> None:
        if self.state != ModerationState.HIDDEN:
            raise ValidationError(_("Only hidden content can be restored."))

    def apply(self) -> tuple[dict, dict]:
        _set_visibility(self.kind, self.target, ModerationState.VISIBLE)
        return {"moderation_state": ModerationState.HIDDEN}, {
            "moderation_state": ModerationState.VISIBLE
        }

    def after_decision(self, decision: Decision) -> None:
        if self.case is not None and self.case.status == CaseStatus.OPEN:
            services.close_case(self.case)

    def success_message(self) -> str:
        return _("Restored: everyone who may read it sees it again.")


class Dismiss(ModerationAction):
    """The reports were unfounded: the content stays, the reporters' weight drops."""

    id = ActionKind.DISMISS
    label = gettext_lazy("Dismiss the reports")

    def check_state(self) -> None:
        if self.case is None or self.case.status != CaseStatus.OPEN or not self.case.report_count:
            raise ValidationError(_("There are no open reports to dismiss."))
        if self.state == ModerationState.PENDING:
            raise ValidationError(
                _("This contribution is still waiting for review: approve or hide it.")
            )

    def apply(self) -> tuple[dict, dict]:
        return {"case": CaseStatus.OPEN}, {"case": CaseStatus.CLOSED}

    def after_decision(self, decision: Decision) -> None:
        self._settle_and_close(upheld=False)

    def notify(self, decision: Decision) -> None:
        """Nothing happened to the author's content: no reason to tell them about reports."""

    def success_message(self) -> str:
        return _("The reports were dismissed; the content stays as it is.")


class EditWithNote(ModerationAction):
    """The moderator corrects the text (only the kind's ``editable_fields``); the note
    tells the author what was changed and why. ``fields``: {name: new value}."""

    id = ActionKind.EDIT
    label = gettext_lazy("Edit with a note")
    needs_reason = True

    def __init__(self, moderator, target, *, reason: str = "", fields=None, **params):
        super().__init__(moderator, target, reason=reason, **params)
        self.fields = dict(fields or {})

    def changed_fields(self) -> dict[str, str]:
        return {
            name: value
            for name, value in self.fields.items()
            if getattr(self.target, name) != value
        }

    def check_params(self) -> None:
        super().check_params()
        unknown = sorted(set(self.fields) - set(self.kind.editable_fields))
        if unknown:
            raise ValidationError(_("These fields cannot be edited: %(f)s.") % {"f": unknown})
        if not self.changed_fields():
            raise ValidationError(_("Nothing was changed."))

    def check_state(self) -> None:
        changed = self.changed_fields()
        for name, value in changed.items():
            # A TextField's max_length is enforced by forms only, not by clean_fields.
            limit = self.target._meta.get_field(name).max_length
            if limit and len(value or "") > limit:
                raise ValidationError({name: _("Keep this under %(n)s characters.") % {"n": limit}})
        original = {name: getattr(self.target, name) for name in changed}
        for name, value in changed.items():
            setattr(self.target, name, value)
        others = [f.name for f in self.target._meta.fields if f.name not in changed]
        try:
            self.target.clean_fields(exclude=others)
        finally:
            for name, value in original.items():
                setattr(self.target, name, value)

    def apply(self) -> tuple[dict, dict]:
        changed = self.changed_fields()
        before = {name: getattr(self.target, name) for name in changed}
        for name, value in changed.items():
            setattr(self.target, name, value)
        update_fields = list(changed)
        try:
            self.target._meta.get_field("updated_at")
            update_fields.append("updated_at")
        except FieldDoesNotExist:
            pass
        self.target.save(update_fields=update_fields)
        return before, changed

    def after_decision(self, decision: Decision) -> None:
        # Corrected: the reports were right. A held item still waits for approval.
        if self.state != ModerationState.PENDING:
            self._settle_and_close(upheld=True)

    def success_message(self) -> str:
        return _("Edited; the author can read your note.")


class _AuthorAction(ModerationAction):
    """Actions on the author of the item (or on the account of a profile)."""

    needs_reason = True

    def check_state(self) -> None:
        author = self.author
        if author is None:
            raise ValidationError(_("This contribution has no author account any more."))
        if author.is_staff or author.is_superuser:
            raise ValidationError(_("Staff accounts cannot be warned, suspended or banned."))
        if author.is_moderator and not self.moderator.is_staff:
            raise ValidationError(_("Only staff can act on a moderator's account."))
        if not author.is_active:
            raise ValidationError(_("This account has been banned already."))


class Warn(_AuthorAction):
    """A decision for the author; the content stays as it is."""

    id = ActionKind.WARN
    label = gettext_lazy("Warn the author")

    def apply(self) -> tuple[dict, dict]:
        return {}, {}

    def success_message(self) -> str:
        return _("The author has been warned.")


class Suspend(_AuthorAction):
    """The author may read but not post or report for ``days`` days (1–365)."""

    id = ActionKind.SUSPEND
    label = gettext_lazy("Suspend the author")

    def __init__(self, moderator, target, *, reason: str = "", days=None, **params):
        super().__init__(moderator, target, reason=reason, **params)
        self.days = days
        self.suspended_until = None

    def check_params(self) -> None:
        super().check_params()
        if (
            isinstance(self.days, bool)
            or not isinstance(self.days, int)
            or not SUSPEND_MIN_DAYS <= self.days <= SUSPEND_MAX_DAYS
        ):
            raise ValidationError(
                {
                    "days": _("Suspend for %(min)s to %(max)s days.")
                    % {"min": SUSPEND_MIN_DAYS, "max": SUSPEND_MAX_DAYS}
                }
            )

    def apply(self) -> tuple[dict, dict]:
        author = self.author
        before = {"suspended_until": author.suspended_until}
        self.suspended_until = services.suspension_end(self.days)
        author.suspended_until = self.suspended_until
        author.save(update_fields=["suspended_until"])
        return before, {"suspended_until": self.suspended_until}

    def success_message(self) -> str:
        return _("The author is suspended for %(days)s days.") % {"days": self.days}


class Ban(_AuthorAction):
    """The account can no longer sign in."""

    id = ActionKind.BAN
    label = gettext_lazy("Ban the author")

    def apply(self) -> tuple[dict, dict]:
        author = self.author
        author.is_active = False
        author.save(update_fields=["is_active"])
        return {"is_active": True}, {"is_active": False}

    def success_message(self) -> str:
        return _("The author has been banned.")


ACTIONS: dict[str, type[ModerationAction]] = {
    action.id: action
    for action in (Approve, Hide, Restore, Dismiss, EditWithNote, Warn, Suspend, Ban)
}


# Appeals ---------------------------------------------------------------------------------

MESSAGE_APPEALED_ALREADY = gettext_lazy(
    "You have appealed this decision already; each decision can be appealed once."
)


def check_appeal_permission(user, decision: Decision) -> None:
    """Only the author of the content, once, against a decision that went against them."""
    if user is None or not user.is_authenticated or decision.author_id != user.pk:
        raise PermissionDenied(_("You can only appeal decisions about your own contributions."))
    if decision.action not in APPEALABLE:
        raise ValidationError(_("This decision cannot be appealed."))
    if Appeal.objects.filter(decision=decision).exists():
        raise ValidationError(MESSAGE_APPEALED_ALREADY)


@transaction.atomic
def appeal_create(*, user, decision: Decision, text: str) -> Appeal:
    """The author asks the moderators to look again, once per decision. Suspended authors
    may appeal (that is when they need to)."""
    check_appeal_permission(user, decision)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Explain why the decision should change.")})
    appeal = Appeal(decision=decision, author=user, text=text)
    appeal.full_clean()
    try:
        with transaction.atomic():
            appeal.save()
    except IntegrityError:
        raise ValidationError(MESSAGE_APPEALED_ALREADY) from None
    return appeal


class AppealDecide:
    """A moderator upholds or reverses the decision an author appealed. Reversing undoes
    exactly what the action did: a hide restores, an edit puts the text back, a suspension
    is lifted, a ban re-activates the account (a warning is withdrawn)."""

    UPHOLD = "uphold"
    REVERSE = "reverse"

    def __init__(self, moderator, appeal: Appeal, *, outcome: str, response: str = ""):
        self.moderator = moderator
        self.appeal = appeal
        self.decision = appeal.decision
        self.kind = get_kind(self.decision.kind)
        self.target = self.kind.manager().filter(pk=self.decision.object_id).first()
        self.outcome = outcome
        self.response = (response or "").strip()

    def validate(self) -> None:
        if self.target is not None:
            allowed = can_moderate(self.moderator, self.kind, self.target)
        else:
            case = self.decision.case
            allowed = can_moderate_community(self.moderator, case.community if case else None)
        if not allowed:
            raise PermissionDenied(MESSAGE_NOT_ALLOWED)
        if self.appeal.author_id == self.moderator.pk:
            raise PermissionDenied(MESSAGE_OWN_CONTENT)
        if self.appeal.status != AppealStatus.OPEN:
            raise ValidationError(_("This appeal has been decided already."))
        if self.outcome not in (self.UPHOLD, self.REVERSE):
            raise ValidationError({"outcome": _("Choose to uphold or reverse the decision.")})
        if not self.response:
            raise ValidationError({"response": _("Write the answer the author will read.")})
        if self.outcome == self.REVERSE and self.target is None:
            raise ValidationError(MESSAGE_GONE)

    def execute(self) -> ActionResult:
        try:
            with transaction.atomic():
                self.appeal = Appeal.objects.select_for_update().get(pk=self.appeal.pk)
                self.validate()
                status = self._decide()
        except ValidationError as error:
            return ActionResult(ok=False, message=" ".join(error.messages))
        if status == AppealStatus.REVERSED:
            return ActionResult(True, _("The decision was reversed."), self.decision)
        return ActionResult(True, _("The decision stands."), self.decision)

    def _decide(self) -> str:
        """Record the outcome (undoing the action if reversed), audit it, tell the author."""
        before = {"appeal": AppealStatus.OPEN}
        after = {}
        if self.outcome == self.REVERSE:
            undo_before, after = self._reverse()
            before.update(undo_before)
        status = AppealStatus.REVERSED if self.outcome == self.REVERSE else AppealStatus.UPHELD
        after["appeal"] = status
        self.appeal.status = status
        self.appeal.response = self.response
        self.appeal.decided_by = self.moderator
        self.appeal.decided_at = timezone.now()
        self.appeal.save(update_fields=["status", "response", "decided_by", "decided_at"])
        record_event(
            actor=self.moderator,
            action="moderation.appeal_decided",
            target=self.target if self.target is not None else self.decision,
            target_type=self.kind.model._meta.model_name,
            target_id=self.decision.object_id,
            target_label=str(self.kind.title(self.target)) if self.target is not None else "",
            summary=self.response,
            before=before,
            after=after,
        )
        if self.decision.author_id is not None:
            from notifications.services import notify_moderation_decision

            notify_moderation_decision(self.decision)
        return status

    def _reverse(self) -> tuple[dict, dict]:
        action = self.decision.action
        author = self.decision.author
        if action == ActionKind.HIDE:
            if self.target.moderation_state != ModerationState.HIDDEN:
                return {}, {}
            _set_visibility(self.kind, self.target, ModerationState.VISIBLE)
            return {"moderation_state": ModerationState.HIDDEN}, {
                "moderation_state": ModerationState.VISIBLE
            }
        if action == ActionKind.SUSPEND and author is not None:
            before = {"suspended_until": author.suspended_until}
            author.suspended_until = None
            author.save(update_fields=["suspended_until"])
            return before, {"suspended_until": None}
        if action == ActionKind.BAN and author is not None:
            author.is_active = True
            author.save(update_fields=["is_active"])
            return {"is_active": False}, {"is_active": True}
        if action == ActionKind.EDIT:
            return self._undo_edit()
        return {}, {}

    def _undo_edit(self) -> tuple[dict, dict]:
        """Put back the text the edit replaced, read from the edit's own audit event
        (written in the same transaction as the decision, so just after it)."""
        event = (
            AuditEvent.objects.filter(
                action=f"moderation.{ActionKind.EDIT}",
                target_type=self.kind.model._meta.model_name,
                target_id=str(self.decision.object_id),
                created_at__gte=self.decision.created_at,
            )
            .order_by("created_at", "id")
            .first()
        )
        if event is None or not isinstance(event.before, dict):
            return {}, {}
        restore = {
            name: value
            for name, value in event.before.items()
            if name in self.kind.editable_fields and isinstance(value, str)
        }
        before = {name: getattr(self.target, name) for name in restore}
        for name, value in restore.items():
            setattr(self.target, name, value)
        if restore:
            fields = [f.name for f in self.target._meta.fields]
            extra = ["updated_at"] if "updated_at" in fields else []
            self.target.save(update_fields=list(restore) + extra)
        return before, restore
