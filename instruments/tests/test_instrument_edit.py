"""The provider's edit form, for the fields that only it and the importer write."""

from __future__ import annotations

import pytest

from instruments.tests.factories import InstrumentFactory

pytestmark = pytest.mark.django_db


def _form_data(**overrides) -> dict:
    return {
        "title": "Instrument met situaties",
        "summary": "Een korte samenvatting.",
        "phases": ["starten"],
        "kind": "model",
        "status": "published",
        **overrides,
    }


def test_the_edit_form_shows_when_to_use_with_its_help_text(provider_client, provider):
    instrument = InstrumentFactory(owner=provider, when_to_use="Partners haken af na de kick-off.")

    response = provider_client.get(instrument.get_absolute_url() + "bewerken/")

    html = response.content.decode()
    assert 'name="when_to_use"' in html
    assert "Partners haken af na de kick-off." in html
    assert response.context["form"].fields["when_to_use"].help_text


def test_saving_when_to_use_stores_it_and_the_revision_records_it(provider_client, provider):
    instrument = InstrumentFactory(owner=provider)
    situation = "  We weten niet wat we hebben opgeleverd.\nDe subsidie stopt straks.  "

    response = provider_client.post(
        instrument.get_absolute_url() + "bewerken/", _form_data(when_to_use=situation)
    )

    assert response.status_code == 302
    instrument.refresh_from_db()
    assert instrument.when_to_use == situation.strip()
    assert instrument.revisions.get(number=2).data["when_to_use"] == situation.strip()


def test_a_too_long_when_to_use_is_refused(provider_client, provider):
    instrument = InstrumentFactory(owner=provider)

    response = provider_client.post(
        instrument.get_absolute_url() + "bewerken/", _form_data(when_to_use="x" * 2001)
    )

    assert response.status_code == 200
    assert "when_to_use" in response.context["form"].errors
    instrument.refresh_from_db()
    assert instrument.when_to_use == ""
