"""The publish form: every field the public page shows, editable by the facilitator."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from instruments.models import Instrument, Sector
from lessons.models import TEXT_FIELDS, PublicLesson


class LessonForm(forms.ModelForm):
    class Meta:
        model = PublicLesson
        fields = [*TEXT_FIELDS, "sector", "level", "phase", "instruments"]
        widgets = {
            "what_was_done": forms.Textarea(attrs={"rows": 6}),
            "what_worked": forms.Textarea(attrs={"rows": 5}),
            "what_did_not": forms.Textarea(attrs={"rows": 5}),
            "lesson": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "lesson": _("Markdown. What would you tell another community that starts out?"),
            "instruments": _("Only published instruments can be linked."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = Sector.objects.order_by("name")
        self.fields["instruments"].queryset = Instrument.objects.published().order_by("title")

    def lesson_fields(self) -> dict:
        """The cleaned data as ``lesson_publish`` takes it."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def preview(self) -> PublicLesson:
        """An unsaved lesson built from the cleaned data, for the preview (never saved)."""
        data = self.lesson_fields()
        instruments = list(data.pop("instruments"))
        lesson = PublicLesson(**data)
        lesson.published_instruments = instruments
        return lesson
