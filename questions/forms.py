"""Forms of questions and answers. They validate input; the services write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from instruments.constants import Phase
from instruments.models import Instrument, Sector
from questions.models import Answer, Question
from questions.selectors import NO_VALUE, STATUS_CHOICES


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["title", "body", "phase", "sector"]
        labels = {
            "title": _("Your question"),
            "body": _("Explanation"),
            "phase": _("Phase"),
            "sector": _("Sector"),
        }
        help_texts = {
            "title": _("For example: “Who has an instrument for making partners’ goals explicit?”"),
            "body": _(
                "Your situation and what you tried already, so others can point you to the "
                "right instrument. Markdown is allowed."
            ),
            "phase": _("The phase of your learning community the question is about."),
        }
        widgets = {"body": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].choices = [("", _("Not specified")), *Phase.choices]
        self.fields["sector"].queryset = Sector.objects.order_by("name")
        self.fields["sector"].empty_label = _("Not specified")


class InstrumentChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Instrument) -> str:
        return obj.display_title


class AnswerForm(forms.ModelForm):
    """Only instruments visible to ``user`` are offered (and accepted)."""

    instruments = InstrumentChoiceField(
        label=_("Instruments that answer the question"),
        queryset=Instrument.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Link the instruments from the library you recommend, if any."),
    )

    class Meta:
        model = Answer
        fields = ["body", "instruments"]
        labels = {"body": _("Your answer")}
        help_texts = {"body": _("Markdown is allowed: *italic*, **bold**, lists and links.")}
        widgets = {"body": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instruments"].queryset = Instrument.objects.visible_to(user).order_by("title")
        if self.instance.pk:
            visible = self.fields["instruments"].queryset
            self.initial["instruments"] = list(
                self.instance.instruments.filter(pk__in=visible.values("pk"))
            )


class QuestionFilterForm(forms.Form):
    """The list page's filters (GET); only used to render the controls."""

    fase = forms.ChoiceField(
        label=_("Phase"),
        required=False,
        choices=[("", _("All phases")), *Phase.choices, (NO_VALUE, _("No phase given"))],
    )
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    status = forms.ChoiceField(label=_("Show"), required=False, choices=STATUS_CHOICES)

    def __init__(self, *args, sectors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = [
            ("", _("All sectors")),
            *((sector.slug, sector.display_name) for sector in sectors),
            (NO_VALUE, _("No sector given")),
        ]
