from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts import conduct_services
from accounts.models import Role


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Instrument providers can publish instruments in the library."),
    )


def _code_of_conduct_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=_("I accept the code of conduct"),
        required=True,
        error_messages={"required": _("Please accept the code of conduct to continue.")},
    )


def _link_to_code_of_conduct() -> str:
    return format_html(
        '<a href="{}">{}</a>', reverse("conduct:code_of_conduct"), _("Read the code of conduct")
    )


class CodeOfConductSignupForm(forms.Form):
    """Extra field of allauth's sign-up forms (``ACCOUNT_SIGNUP_FORM_CLASS``): the e-mail
    sign-up and the social sign-up form allauth shows when it needs more details."""

    field_order = ["email", "password1", "password2", "accept_code_of_conduct"]

    accept_code_of_conduct = _code_of_conduct_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accept_code_of_conduct"].help_text = _link_to_code_of_conduct()

    def signup(self, request, user) -> None:
        """Called by allauth once the new user is saved."""
        conduct_services.code_of_conduct_accept(user=user)


class AcceptCodeOfConductForm(forms.Form):
    accept_code_of_conduct = _code_of_conduct_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accept_code_of_conduct"].help_text = _link_to_code_of_conduct()
