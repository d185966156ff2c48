"""The one form of the feeds app: naming a search to save."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SavedSearchForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        required=False,
        help_text=_("Leave empty to name it after the search words."),
    )
