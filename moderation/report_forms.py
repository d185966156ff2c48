"""The report form: a reason (radio buttons) and an optional explanation."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from moderation.constants import ReportReason
from moderation.models import Report

NOTE_MAX_LENGTH = Report._meta.get_field("note").max_length


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why are you reporting this?"),
        choices=ReportReason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a reason."),
            "invalid_choice": _("Choose one of the reasons in the list."),
        },
    )
    note = forms.CharField(
        label=_("Explanation"),
        help_text=_("What should a moderator know? Do not repeat personal details."),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
