"""The experience form. It validates input and hands ``to_fields()`` to
``services.experience_create``/``experience_update``; it writes nothing itself.

The community and sector choices are read once (one query each) and kept as plain
choices, so rendering the form does not query again.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from communities.models import Community, Level, MemberRole
from experiences.models import Experience
from instruments.constants import HelixRole, Phase
from instruments.models import Sector

# The partner-mix checkboxes and the model's boolean field for each helix role.
PARTNER_FIELDS = {
    HelixRole.BUSINESS.value: "with_business",
    HelixRole.EDUCATION.value: "with_education",
    HelixRole.GOVERNMENT.value: "with_government",
    HelixRole.CITIZENS.value: "with_citizens",
}

RATING_CHOICES = [
    (1, _("1 – not useful")),
    (2, _("2 – a little useful")),
    (3, _("3 – useful")),
    (4, _("4 – very useful")),
    (5, _("5 – extremely useful")),
]

TEXT_FIELDS = ("what_was_done", "what_worked", "what_did_not", "adaptation")


def writable_communities(user) -> list[Community]:
    """Communities in which ``user`` may record an experience: facilitator or member."""
    if not user.is_authenticated:
        return []
    return list(
        Community.objects.filter(
            memberships__user=user,
            memberships__role__in=[MemberRole.FACILITATOR, MemberRole.MEMBER],
        ).order_by("name")
    )


class ExperienceForm(forms.Form):
    community = forms.TypedChoiceField(
        label=_("Community"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_(
            "Optional. The experience is then shown only to those who may read that "
            "community's content."
        ),
    )
    sector = forms.TypedChoiceField(label=_("Sector"), required=False, coerce=int, empty_value=None)
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", "---------"), *Level.choices]
    )
    phase = forms.ChoiceField(
        label=_("Phase"), required=False, choices=[("", "---------"), *Phase.choices]
    )
    group_size = forms.IntegerField(
        label=_("Group size"),
        required=False,
        min_value=1,
        max_value=10000,
        help_text=_("About how many people took part."),
    )
    partners = forms.MultipleChoiceField(
        label=_("Partners involved"),
        required=False,
        choices=HelixRole.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    what_was_done = forms.CharField(
        label=_("What was done"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("How you used the instrument, with whom and for what."),
    )
    what_worked = forms.CharField(
        label=_("What worked"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    what_did_not = forms.CharField(
        label=_("What did not work"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    adaptation = forms.CharField(
        label=_("How you adapted the instrument"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    rating = forms.TypedChoiceField(
        label=_("How useful was it?"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    would_recommend = forms.TypedChoiceField(
        label=_("Would you recommend it to others?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, user, experience: Experience | None = None, **kwargs):
        if experience is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(experience)
        super().__init__(*args, **kwargs)
        communities = writable_communities(user)
        # Someone who has since left keeps the experience's own community as a choice.
        if (
            experience is not None
            and experience.community_id
            and all(c.pk != experience.community_id for c in communities)
        ):
            communities.append(experience.community)
        self._communities = {c.pk: c for c in communities}
        self._sectors = {s.pk: s for s in Sector.objects.order_by("name")}
        self.fields["community"].choices = [
            ("", _("None: not in a community")),
            *((c.pk, c.name) for c in communities),
        ]
        self.fields["sector"].choices = [
            ("", "---------"),
            *((s.pk, s.display_name) for s in self._sectors.values()),
        ]
        if not communities:
            # Nothing to choose: leave the field out rather than show an empty list.
            del self.fields["community"]

    @staticmethod
    def initial_from(experience: Experience) -> dict:
        initial = {
            name: getattr(experience, name)
            for name in ("level", "phase", "group_size", "rating", *TEXT_FIELDS)
        }
        initial["community"] = experience.community_id
        initial["sector"] = experience.sector_id
        initial["partners"] = [
            role for role, name in PARTNER_FIELDS.items() if getattr(experience, name)
        ]
        initial["would_recommend"] = "yes" if experience.would_recommend else "no"
        return initial

    def to_fields(self) -> dict:
        """The cleaned data as the service's keyword arguments (model field names)."""
        data = self.cleaned_data
        fields = {name: data[name] for name in ("level", "phase", "group_size", "rating")}
        fields.update({name: data[name] for name in TEXT_FIELDS})
        fields["would_recommend"] = data["would_recommend"]
        fields["sector"] = self._sectors.get(data["sector"])
        fields["community"] = self._communities.get(data.get("community"))
        fields.update({name: role in data["partners"] for role, name in PARTNER_FIELDS.items()})
        return fields


class ExperienceFilterForm(forms.Form):
    """The filters of the experience list; parameter names are the Dutch words in its URL."""

    sector = forms.ChoiceField(label=_("Sector"), required=False)
    niveau = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("All levels")), *Level.choices]
    )
    fase = forms.ChoiceField(
        label=_("Phase"), required=False, choices=[("", _("All phases")), *Phase.choices]
    )

    def __init__(self, *args, sectors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = [
            ("", _("All sectors")),
            *((s.slug, s.display_name) for s in sectors),
        ]
