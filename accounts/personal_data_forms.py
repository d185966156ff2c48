"""The form that confirms deleting an account."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.personal_data import ANONYMISE, DELETE


class AccountDeleteForm(forms.Form):
    """A choice for the contributions and proof that the person is at the keyboard: the
    password, or for an account without one (signed up through an identity provider) the
    account's e-mail address typed out."""

    contributions = forms.ChoiceField(
        label=_("Your contributions"),
        choices=[
            (ANONYMISE, _("Keep them without my name (anonymised)")),
            (DELETE, _("Delete them")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what happens to your contributions."),
            "invalid_choice": _("Choose what happens to your contributions."),
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.has_usable_password():
            self.fields["password"] = forms.CharField(
                label=_("Your password"),
                strip=False,
                widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
                error_messages={"required": _("Enter your password to confirm.")},
            )
        else:
            self.fields["email"] = forms.CharField(
                label=_("Your e-mail address"),
                help_text=_(
                    "Your account has no password, so type the e-mail address of your "
                    "account to confirm."
                ),
                widget=forms.EmailInput(attrs={"autocomplete": "off"}),
                error_messages={"required": _("Type your e-mail address to confirm.")},
            )
