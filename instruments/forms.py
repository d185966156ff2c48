"""The provider's instrument form. It validates input and turns it into a record
(see ``records``) for ``services.instrument_save_record``; it writes nothing itself.
"""

from __future__ import annotations

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from instruments.constants import WHEN_TO_USE_MAX_LENGTH, Kind, Phase, Status
from instruments.models import Audience, Instrument, Sector
from lib.uploads import validate_attachment


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class InstrumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    title_en = forms.CharField(label=_("English title"), max_length=200, required=False)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or two sentences: what the instrument does and for whom."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Markdown is allowed: *italic*, **bold**, lists and links."),
    )
    when_to_use = forms.CharField(
        label=_("When to use"),
        required=False,
        max_length=WHEN_TO_USE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Describe the situations and signals in the words of a facilitator: what do people "
            "notice or complain about when this instrument would help? For example: everyone "
            "agrees but nothing happens; partners drop out after the kick-off."
        ),
    )
    steps = forms.CharField(
        label=_("Steps"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One step per line."),
    )
    phases = forms.MultipleChoiceField(
        label=_("Phases"), choices=Phase.choices, widget=forms.CheckboxSelectMultiple
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "---------"), *Kind.choices])
    sectors = forms.ModelMultipleChoiceField(
        label=_("Sectors"),
        queryset=Sector.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    audience = forms.ModelMultipleChoiceField(
        label=_("Audience"),
        queryset=Audience.objects.all(),
        to_field_name="name",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    keywords = forms.CharField(
        label=_("Keywords"), required=False, help_text=_("Separate keywords with commas.")
    )
    source = forms.CharField(label=_("Source or citation"), max_length=300, required=False)
    licence = forms.CharField(
        label=_("Licence"), max_length=120, required=False, help_text=_("For example CC BY 4.0.")
    )
    organisation = forms.CharField(label=_("Provider organisation"), max_length=200, required=False)
    links = forms.CharField(
        label=_("Links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One link per line: title | https://address"),
    )
    related = forms.ModelMultipleChoiceField(
        label=_("Related instruments"),
        queryset=Instrument.objects.none(),
        to_field_name="slug",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    note = forms.CharField(
        label=_("What did you change?"),
        max_length=300,
        required=False,
        help_text=_("Shown in the revision history."),
    )

    def __init__(self, *args, user, instrument: Instrument | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        related = Instrument.objects.visible_to(user).order_by("title")
        if instrument is not None:
            related = related.exclude(pk=instrument.pk)
        self.fields["related"].queryset = related

    @classmethod
    def initial_from_record(cls, record: dict) -> dict:
        return {
            **{key: record.get(key, "") for key in ("title", "title_en", "summary", "source")},
            "description": record.get("description", ""),
            "when_to_use": record.get("when_to_use", ""),
            "steps": "\n".join(record.get("steps", [])),
            "phases": record.get("phases", []),
            "kind": record.get("kind", ""),
            "sectors": record.get("sectors", []),
            "audience": record.get("audience", []),
            "keywords": ", ".join(record.get("keywords", [])),
            "licence": record.get("licence", ""),
            "organisation": record.get("organisation", ""),
            "related": record.get("related", []),
            "status": record.get("status", Status.PUBLISHED),
            "links": "\n".join(
                f"{link['title']} | {link['url']}" for link in record.get("links", [])
            ),
        }

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if self.instrument is None and not slugify(title):
            raise forms.ValidationError(_("The title needs at least one letter or digit."))
        return title

    def to_record(self, *, slug: str) -> dict:
        data = self.cleaned_data
        record = {
            "id": slug,
            "title": data["title"],
            "title_en": data["title_en"].strip(),
            "summary": data["summary"].strip(),
            "description": data["description"].strip(),
            "steps": _lines(data["steps"]),
            "phases": [p for p in Phase.values if p in data["phases"]],
            "kind": data["kind"],
            "sectors": [s.slug for s in data["sectors"]],
            "audience": [a.name for a in data["audience"]],
            "source": data["source"].strip(),
            "related": [i.slug for i in data["related"]],
            "keywords": [k.strip() for k in data["keywords"].split(",") if k.strip()],
            "status": data["status"],
        }
        if data["when_to_use"].strip():
            record["when_to_use"] = data["when_to_use"].strip()
        if data["licence"].strip():
            record["licence"] = data["licence"].strip()
        if data["organisation"].strip():
            record["organisation"] = data["organisation"].strip()
        if data["links"]:
            record["links"] = data["links"]
        return record

    def clean_links(self) -> list[dict]:
        links, url_field = [], forms.URLField(max_length=500, assume_scheme="https")
        for number, line in enumerate(_lines(self.cleaned_data["links"]), start=1):
            title, separator, url = line.rpartition("|")
            if not separator or not title.strip():
                raise forms.ValidationError(
                    _("Line %(number)s: write the title, a | and the web address.")
                    % {"number": number}
                )
            try:
                links.append({"title": title.strip(), "url": url_field.clean(url.strip())})
            except forms.ValidationError as exc:
                raise forms.ValidationError(
                    _("Line %(number)s: %(error)s") % {"number": number, "error": exc.messages[0]}
                ) from exc
        return links


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, Word, Excel, PowerPoint, OpenDocument, PNG or JPEG; at most 10 MB."),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        self.cleaned_data["content_type"] = validate_attachment(uploaded)
        return uploaded
