"""Forms of the moderation pages: one per action (each with its own prefix, so that all of
them fit on the case page with unique field ids), the author's appeal and the moderator's
answer to it. They check input only; ``moderation.actions`` checks the rest."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from moderation.actions import (
    ACTIONS,
    REASON_MAX_LENGTH,
    SUSPEND_MAX_DAYS,
    SUSPEND_MIN_DAYS,
    AppealDecide,
    EditWithNote,
    ModerationAction,
    Suspend,
)
from moderation.registry import Kind

APPEAL_PREFIX = "appeal"


class ActionForm(forms.Form):
    """The reason the author will read; required where the action goes against them."""

    reason = forms.CharField(
        label=_("Reason for the author"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The author reads this on their moderation page and can appeal once."),
    )

    def __init__(self, *args, action: type[ModerationAction], **kwargs):
        kwargs.setdefault("prefix", str(action.id))
        super().__init__(*args, **kwargs)
        self.action = action
        self.fields["reason"].required = action.needs_reason

    def action_params(self) -> dict:
        return {"reason": self.cleaned_data.get("reason", "")}


class SuspendForm(ActionForm):
    days = forms.IntegerField(
        label=_("Days"),
        min_value=SUSPEND_MIN_DAYS,
        max_value=SUSPEND_MAX_DAYS,
        initial=7,
        help_text=_("From 1 to 365 days. The author can read but not post or report."),
    )

    def action_params(self) -> dict:
        return {**super().action_params(), "days": self.cleaned_data["days"]}


class EditForm(ActionForm):
    """The kind's editable fields with their current text, and the note for the author."""

    field_order = ["reason"]

    def __init__(self, *args, kind: Kind, target, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("Note for the author: what you changed and why")
        for name in kind.editable_fields:
            model_field = kind.model._meta.get_field(name)
            form_field = model_field.formfield()
            form_field.initial = getattr(target, name)
            form_field.help_text = ""
            self.fields[f"field_{name}"] = form_field
        self.order_fields([f"field_{name}" for name in kind.editable_fields] + ["reason"])
        self.editable = kind.editable_fields
        self.target = target

    def action_params(self) -> dict:
        """Only the fields the moderator changed (browsers send CRLF line ends and the
        form strips whitespace, which alone is no change)."""
        fields = {}
        for name in self.editable:
            value = (self.cleaned_data[f"field_{name}"] or "").replace("\r\n", "\n")
            if value.strip() != (getattr(self.target, name) or "").strip():
                fields[name] = value
        return {**super().action_params(), "fields": fields}


def action_form(action_id: str, *, kind: Kind, target, data=None) -> ActionForm:
    action = ACTIONS[action_id]
    if action is Suspend:
        return SuspendForm(data, action=action)
    if action is EditWithNote:
        return EditForm(data, action=action, kind=kind, target=target)
    return ActionForm(data, action=action)


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("Why should the decision change?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("You can appeal each decision once. Another look is taken by a moderator."),
    )


class AppealDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Your decision on the appeal"),
        choices=[
            (AppealDecide.UPHOLD, _("Uphold: the decision stands")),
            (AppealDecide.REVERSE, _("Reverse: undo the decision")),
        ],
        widget=forms.RadioSelect,
    )
    response = forms.CharField(
        label=_("Answer for the author"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, appeal_id: int, **kwargs):
        kwargs.setdefault("prefix", f"{APPEAL_PREFIX}-{appeal_id}")
        super().__init__(*args, **kwargs)
