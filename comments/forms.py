"""The comment form (new comments, replies and edits); it writes nothing itself."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Markdown is allowed: *italic*, **bold**, lists and links."),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
