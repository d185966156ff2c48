"""Forms of the journal. They validate input (the model's ``clean`` holds the rules for
sub-phases and capital); the views hand the cleaned data to ``services``, which write.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from instruments.models import Instrument
from journal.models import JournalEntry, ValueStory

ENTRY_FIELDS = ["kind", "date", "title", "phase", "sub_phase", "sprint_number", "text"]
STORY_FIELDS = ["cycle", "capital", "text"]
EXTRA_STORIES = 3
MAX_STORIES = 30


class JournalEntryForm(forms.ModelForm):
    class Meta:
        model = JournalEntry
        fields = [*ENTRY_FIELDS, "instruments"]
        labels = {
            "kind": _("Kind of step"),
            "date": _("Date"),
            "title": _("Title"),
            "phase": _("Phase"),
            "sub_phase": _("Step within carrying out"),
            "sprint_number": _("Sprint number"),
            "text": _("What happened"),
            "instruments": _("Instruments used"),
        }
        help_texts = {
            "title": _("For example: “Kick-off with the partners” or “Decision on the pilot”."),
            "sub_phase": _(
                "Only in the phase Carrying out: orientation, an action sprint or evaluation."
            ),
            "sprint_number": _("Only for an action sprint: which sprint this is (1, 2, 3 …)."),
            "text": _(
                "What you did, what you decided or learned, and what comes next. "
                "Markdown is allowed: *italic*, **bold**, lists and links."
            ),
            "instruments": _(
                "Linked instruments count on their pages, so others see where they were used."
            ),
        }
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "text": forms.Textarea(attrs={"rows": 8}),
            "instruments": forms.CheckboxSelectMultiple(attrs={"class": "instrument-choices"}),
            "sprint_number": forms.NumberInput(attrs={"min": 1, "max": 50, "inputmode": "numeric"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instruments"].queryset = Instrument.objects.visible_to(user).order_by(
            "title", "pk"
        )
        self.fields["instruments"].label_from_instance = lambda i: i.display_title

    def entry_fields(self) -> dict:
        """The cleaned data as keyword arguments of ``journal_entry_create``/``_update``."""
        data = {name: self.cleaned_data[name] for name in ENTRY_FIELDS}
        data["instruments"] = list(self.cleaned_data["instruments"])
        return data


class ValueStoryForm(forms.ModelForm):
    class Meta:
        model = ValueStory
        fields = STORY_FIELDS
        labels = {
            "cycle": _("Value cycle"),
            "capital": _("Kind of capital"),
            "text": _("Story"),
        }
        help_texts = {
            "text": _("What value was created, for whom, and how you noticed it."),
        }
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class BaseValueStoryFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this story")


ValueStoryFormSet = forms.inlineformset_factory(
    JournalEntry,
    ValueStory,
    form=ValueStoryForm,
    formset=BaseValueStoryFormSet,
    extra=EXTRA_STORIES,
    max_num=MAX_STORIES,
    validate_max=True,
    can_delete=True,
    can_delete_extra=False,
)


def stories_from(formset) -> list[dict]:
    """The stories a valid formset keeps: changed or existing, not marked for removal.

    Existing stories carry their ``id`` so the service updates rather than re-creates them.
    """
    stories = []
    for form in formset.forms:
        is_existing = form.instance.pk is not None
        if not is_existing and not form.has_changed():
            continue  # an empty extra form
        if form.cleaned_data.get("DELETE"):
            continue
        story = {name: form.cleaned_data[name] for name in STORY_FIELDS}
        if is_existing:
            story["id"] = form.instance.pk
        stories.append(story)
    return stories
