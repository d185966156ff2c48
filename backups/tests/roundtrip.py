"""Helpers the round-trip test runs inside ``manage.py shell`` against a real database file.

``populate()`` makes content with the project's factories (and one uploaded attachment),
``mutate()`` changes and deletes some of it, ``dump(path)`` writes every table's rows.
"""

from __future__ import annotations

import json

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder

from accounts.tests.factories import UserFactory
from communities.models import Community
from communities.tests.factories import add_member, make_community
from experiences.tests.factories import make_experience
from instruments.models import Instrument, InstrumentAttachment
from instruments.tests.factories import InstrumentFactory


def populate() -> None:
    provider = UserFactory(name="Piet Aanbieder", is_provider=True)
    facilitator = UserFactory(name="Fleur Facilitator")
    member = UserFactory(name="Mo Lid")
    instrument = InstrumentFactory(owner=provider, n=9001)
    InstrumentFactory(owner=provider, n=9002)
    community = make_community(facilitator=facilitator, name="Energiecoöperatie")
    add_member(community, member)
    make_experience(instrument=instrument, author=member, community=community)
    InstrumentAttachment.objects.create(
        instrument=instrument,
        title="Werkblad",
        file=ContentFile(b"%PDF-1.4 werkblad \x00\xff bytes", name="werkblad.pdf"),
        content_type="application/pdf",
        size=26,
        uploaded_by=provider,
    )


def mutate() -> None:
    Instrument.objects.order_by("pk").last().delete()
    Community.objects.update(name="Veranderd")
    UserFactory(name="Nieuwe Persoon", email="nieuw-na-backup@example.org")
    for attachment in InstrumentAttachment.objects.all():
        attachment.file.delete(save=False)


def _default(value):
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return str(value)


class _Encoder(DjangoJSONEncoder):
    def default(self, o):
        try:
            return super().default(o)
        except TypeError:
            return _default(o)


def dump(path: str) -> None:
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table in tables:
            continue
        rows = list(model._base_manager.order_by("pk").values())
        tables[meta.db_table] = rows
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(tables, handle, cls=_Encoder, sort_keys=True, indent=1)
