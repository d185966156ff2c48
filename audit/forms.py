"""The filter form of the audit log page. A bad value (an unknown action, a date that is not
a date, an actor that is neither an e-mail address nor an account id) becomes a form error
on the page, never a server error."""

from __future__ import annotations

from django import forms
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from audit.selectors import AuditFilters, account_id_for_email

# The largest id the actor column holds (a bigger number would overflow the query).
MAX_ACCOUNT_ID = 2**63 - 1


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.CharField(
        label=_("Who"),
        required=False,
        max_length=254,
        help_text=_("An e-mail address, or an account id (also for a deleted account)."),
    )
    target_type = forms.ChoiceField(label=_("On what kind"), required=False)
    target_id = forms.CharField(label=_("On which (id)"), required=False, max_length=64)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Up to and including"), required=False, widget=DateInput())

    def __init__(self, *args, action_choices=(), target_type_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("All actions")), *action_choices]
        self.fields["target_type"].choices = [("", _("All kinds")), *target_type_choices]
        self.fields["actor"].widget.attrs["autocomplete"] = "off"

    def clean_actor(self) -> int | None:
        """The account id to filter on: typed as a number, or looked up by e-mail address."""
        value = self.cleaned_data["actor"].strip()
        if not value:
            return None
        if value.isdigit():
            if int(value) > MAX_ACCOUNT_ID:
                raise forms.ValidationError(_("This account id is too large."))
            return int(value)
        try:
            validate_email(value)
        except forms.ValidationError:
            raise forms.ValidationError(
                _("Enter an e-mail address or an account id (a number).")
            ) from None
        actor_id = account_id_for_email(value)
        if actor_id is None:
            raise forms.ValidationError(
                _("No account uses this e-mail address. Search a deleted account by its id.")
            )
        return actor_id

    def clean_target_id(self) -> str:
        return self.cleaned_data["target_id"].strip()

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def filters(self) -> AuditFilters:
        """The cleaned filters (call after ``is_valid()`` returned True)."""
        data = self.cleaned_data
        return AuditFilters(
            action=data["action"],
            actor_id=data["actor"],
            target_type=data["target_type"],
            target_id=data["target_id"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
