"""Forms of the scan pages. Answers are not a Django form: the items differ per version,
so ``views.round_answer`` hands the posted values to ``services.response_save``, which
validates them item by item."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from scans.definitions import format_items, parse_items
from scans.models import minimum_group_size

ITEMS_HELP = _(
    "One statement or question per line. Put the scale in front: [eens] for agreement 1–5 "
    "(the default), [schuif Intern | Extern] for a slider between two poles, [ja/nee] for yes "
    "or no, [open] for an open question that may stay empty."
)


class ScanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    instructions = forms.CharField(
        label=_("Instructions for participants"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    items = forms.CharField(
        label=_("Statements and questions"),
        help_text=ITEMS_HELP,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "true"}),
    )
    note = forms.CharField(
        label=_("What changed"),
        required=False,
        max_length=300,
        help_text=_("Shown in the version history when the change makes a new version."),
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["note"]

    @staticmethod
    def initial_from_version(version) -> dict:
        return {
            "title": version.title,
            "instructions": version.instructions,
            "items": format_items(version.items.all()),
        }

    def clean_items(self):
        return parse_items(self.cleaned_data["items"])


class RoundStartForm(forms.Form):
    community = forms.ModelChoiceField(label=_("Community"), queryset=None, empty_label=None)
    title = forms.CharField(
        label=_("Title of the round"),
        max_length=200,
        help_text=_("For example the meeting where you discuss it: “Kick-off 12 March”."),
    )
    closes_on = forms.DateField(
        label=_("Open until (inclusive)"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Members can answer and change their answers until the end of this day."),
    )
    min_responses = forms.IntegerField(
        label=_("Fewest answers before results are shown"),
        help_text=_(
            "Results appear once the round is closed and at least this many members answered. "
            "Never fewer than %(minimum)d."
        ),
    )

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        minimum = minimum_group_size()
        self.fields["community"].queryset = communities
        field = self.fields["min_responses"]
        field.min_value = minimum
        field.initial = minimum
        field.help_text = field.help_text % {"minimum": minimum}
        field.widget.attrs["min"] = minimum
        field.validators.append(MinValueValidator(minimum))
        self.fields["closes_on"].initial = timezone.localdate() + datetime.timedelta(days=7)

    def clean_closes_on(self):
        day = self.cleaned_data["closes_on"]
        if day < timezone.localdate():
            raise ValidationError(_("The closing date cannot be in the past."))
        return day
