from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from knowledge.models import Concept


class ConceptForm(forms.Form):
    term = forms.CharField(label=_("Term"), max_length=200)
    term_en = forms.CharField(label=_("English term"), max_length=200, required=False)
    definition = forms.CharField(
        label=_("Definition"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown is allowed: *italic*, **bold**, lists and links."),
    )
    source = forms.CharField(label=_("Source or citation"), max_length=300, required=False)
    related = forms.ModelMultipleChoiceField(
        label=_("Related concepts"),
        queryset=Concept.objects.order_by("term"),
        to_field_name="slug",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    note = forms.CharField(
        label=_("What did you change?"),
        max_length=300,
        required=False,
        help_text=_("Shown in the revision history."),
    )

    def __init__(self, *args, concept: Concept, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["related"].queryset = Concept.objects.exclude(pk=concept.pk).order_by("term")

    def to_record(self) -> dict:
        data = self.cleaned_data
        return {
            "term": data["term"].strip(),
            "term_en": data["term_en"].strip(),
            "definition": data["definition"].strip(),
            "source": data["source"].strip(),
            "related": [c.slug for c in data["related"]],
        }
