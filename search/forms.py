"""Forms of the search app. They validate input; the selectors read."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from instruments.models import Sector

SITUATION_MIN_CHARS = 60
SITUATION_MAX_CHARS = 4000
SITUATION_MIN_WORDS = 8

MESSAGE_SITUATION_TOO_SHORT = _(
    "Describe your situation in a few sentences (at least %(limit_value)s characters): who is in "
    "your community, what you want to achieve together and what is getting in the way."
)
MESSAGE_SITUATION_TOO_LONG = _(
    "Keep your description under %(limit_value)s characters: a paragraph or two is enough."
)
MESSAGE_SITUATION_REQUIRED = _(
    "Describe your situation: who is in your community, what you want to achieve together "
    "and what is getting in the way."
)


class SituationForm(forms.Form):
    """A paragraph about a community and its challenge, with the facilitator's own sector
    and region (optional: when given, communities elsewhere are shown first).

    The field names are the URL's parameters (``?tekst=…&sector=…&regio=…``), so a
    description can be shared as a link."""

    tekst = forms.CharField(
        label=_("Your situation"),
        help_text=_(
            "Who is in your community, what you want to achieve together, and what is going "
            "well or getting stuck. Use your own words; there is no need to know the names of "
            "instruments."
        ),
        min_length=SITUATION_MIN_CHARS,
        max_length=SITUATION_MAX_CHARS,
        strip=True,
        error_messages={
            "required": MESSAGE_SITUATION_REQUIRED,
            "min_length": MESSAGE_SITUATION_TOO_SHORT,
            "max_length": MESSAGE_SITUATION_TOO_LONG,
        },
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    sector = forms.ModelChoiceField(
        label=_("Your sector"),
        queryset=Sector.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("Not specified"),
        help_text=_("Communities in other sectors are shown first: that is where crossovers are."),
    )
    regio = forms.CharField(
        label=_("Your region or municipality"),
        max_length=200,
        required=False,
        strip=True,
        help_text=_("Communities in other regions are shown first."),
    )

    def clean_tekst(self) -> str:
        text = self.cleaned_data["tekst"]
        if len(text.split()) < SITUATION_MIN_WORDS:
            raise forms.ValidationError(
                MESSAGE_SITUATION_TOO_SHORT,
                code="min_length",
                params={"limit_value": SITUATION_MIN_CHARS},
            )
        return text
