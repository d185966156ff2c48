"""Forms of the community pages. They validate input; the services decide and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from communities.models import DESIGN_CONSIDERATIONS, Community, Level, MemberRole, Visibility
from communities.services import EDITABLE_FIELDS
from instruments.constants import HelixRole, Phase
from instruments.models import Sector

VISIBILITY_HELP = {
    Visibility.PUBLIC: _(
        "Anyone can find the community and read its journal, experiences and members, "
        "also without an account."
    ),
    Visibility.MEMBERS: _(
        "Anyone can find the community and read its name and challenge, and ask to join. "
        "Only members read its journal, experiences and members."
    ),
    Visibility.CONFIDENTIAL: _(
        "Only members know the community exists. It appears in no list, count or search "
        "for anyone else; people join by invitation only."
    ),
}

SCALE_CHOICES = [(n, str(n)) for n in range(1, 6)]

DESIGN_QUESTIONS = {
    "orientation": _("Is the community focused inward or outward?"),
    "knowledge_aim": _("Does it mainly create new knowledge or share existing knowledge?"),
    "knowledge_openness": _("Is what it learns public or confidential?"),
    "climate": _("Does it put safety first or openness?"),
}


def _scale_field(name: str) -> forms.TypedChoiceField:
    left, right = DESIGN_CONSIDERATIONS[name]
    field = forms.TypedChoiceField(
        label=Community._meta.get_field(name).verbose_name,
        choices=[("", _("Not decided")), *SCALE_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text=DESIGN_QUESTIONS[name],
    )
    field.poles = (left, right)
    return field


class CommunityForm(forms.ModelForm):
    """Create or change a community. On a change, a new visibility must be confirmed."""

    level = forms.ChoiceField(
        label=_("Level"),
        choices=[("", _("Not set")), *Level.choices],
        required=False,
        help_text=_("Micro: a team or organisation; meso: a region or sector; macro: national."),
    )
    current_phase = forms.ChoiceField(
        label=_("Current phase"), choices=[("", _("Not set")), *Phase.choices], required=False
    )
    sectors = forms.MultipleChoiceField(
        label=_("Sectors"), required=False, widget=forms.CheckboxSelectMultiple, choices=[]
    )
    visibility = forms.ChoiceField(
        label=_("Who can see this community?"),
        choices=Visibility.choices,
        widget=forms.RadioSelect,
        initial=Visibility.PUBLIC,
    )
    orientation = _scale_field("orientation")
    knowledge_aim = _scale_field("knowledge_aim")
    knowledge_openness = _scale_field("knowledge_openness")
    climate = _scale_field("climate")
    confirm_visibility = forms.BooleanField(
        label=_("Yes, change who can see this community."),
        required=False,
        help_text=_("Tick this to confirm when you change the visibility."),
    )

    class Meta:
        model = Community
        fields = EDITABLE_FIELDS
        labels = {
            "name": _("Name"),
            "challenge": _("Challenge"),
            "region": _("Region"),
        }
        help_texts = {
            "challenge": _("The shared challenge (opgave) that brings the partners together."),
            "region": _("For example a municipality, province or “the Netherlands”."),
        }
        widgets = {"challenge": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sectors = [(s.slug, s.display_name) for s in Sector.objects.order_by("name")]
        known = {slug for slug, _label in sectors}
        current = self.instance.sectors if self.instance.pk else []
        sectors += [(slug, slug) for slug in current if slug not in known]
        self.fields["sectors"].choices = sectors
        self.fields["name"].widget.attrs["autocomplete"] = "off"
        if not self.instance.pk:
            del self.fields["confirm_visibility"]

    @property
    def visibility_options(self) -> list[dict]:
        """The visibility radios with their explanation, for the template."""
        return [
            {"radio": radio, "help": VISIBILITY_HELP[radio.data["value"]]}
            for radio in self["visibility"]
        ]

    @property
    def scale_fields(self) -> list:
        return [self[name] for name in DESIGN_CONSIDERATIONS]

    @property
    def main_fields(self) -> list:
        return [self[name] for name in ("name", "challenge", "level", "sectors", "region")]

    def clean(self):
        cleaned = super().clean()
        if (
            self.instance.pk
            and "visibility" in self.changed_data
            and not cleaned.get("confirm_visibility")
        ):
            self.add_error(
                "confirm_visibility",
                _("You changed who can see this community: tick the box to confirm."),
            )
        return cleaned

    def service_fields(self) -> dict:
        """The cleaned values the services take (only what changed, on a change)."""
        names = EDITABLE_FIELDS
        if self.instance.pk:
            names = [name for name in EDITABLE_FIELDS if name in self.changed_data]
        return {name: self.cleaned_data[name] for name in names}

    def _post_clean(self):
        # The services validate the model; here only the form's own checks run, so a
        # new community (without a slug yet) does not fail on the missing slug.
        pass


class PartnerForm(forms.Form):
    organisation_name = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        help_text=_("An organisation that is new to the site is added under this name."),
    )
    helix_role = forms.ChoiceField(
        label=_("Role in the helix"), choices=HelixRole.choices, widget=forms.RadioSelect
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=MemberRole.choices,
        initial=MemberRole.MEMBER,
        help_text=_("Facilitators manage the community; members write in it; observers only read."),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices)


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the facilitators"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Who are you, and what would you like to bring or learn?"),
    )
