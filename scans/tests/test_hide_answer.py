"""A facilitator hides an abusive open answer from a round's results, without learning
whose it was; nobody else can, and the page names answers by token, not by id."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from accounts.tests.factories import signed_in_client
from audit.models import AuditEvent
from scans.models import ItemAnswer
from scans.tests.factories import answered_round

pytestmark = pytest.mark.django_db

ROWS = [[1, 2, 1], [5, 4, 0], [5, 3, 1]]
TEXTS = ["Appel", "Scheldwoord", "Citroen"]


def _tokens(html: str) -> list[str]:
    return re.findall(r'name="answer" value="([0-9a-f]+)"', html)


def _round_with_open_answers(facilitator, community, scan):
    return answered_round(facilitator, community, scan, ROWS, texts=TEXTS)


def test_the_facilitator_hides_an_open_answer(facilitator, community, scan, client):
    round_ = _round_with_open_answers(facilitator, community, scan)
    page = signed_in_client(facilitator)
    html = page.get(round_.get_absolute_url()).content.decode()
    tokens = _tokens(html)
    assert len(tokens) == 3  # in alphabetical order: Appel, Citroen, Scheldwoord

    response = page.post(
        reverse("scans:round_hide_answer", args=[round_.code]), {"answer": tokens[2]}
    )

    assert response.status_code == 302
    assert "Scheldwoord" not in page.get(round_.get_absolute_url()).content.decode()
    assert "Scheldwoord" not in client.get(f"/api/v1/scan-rounds/{round_.code}").content.decode()
    assert ItemAnswer.objects.filter(hidden_at__isnull=False).count() == 1
    assert AuditEvent.objects.filter(action="scan.open_answer_hidden").exists()


def test_tokens_are_not_answer_ids(facilitator, community, scan):
    round_ = _round_with_open_answers(facilitator, community, scan)
    html = signed_in_client(facilitator).get(round_.get_absolute_url()).content.decode()

    ids = {str(pk) for pk in ItemAnswer.objects.values_list("pk", flat=True)}
    assert not ids & set(_tokens(html))


def test_members_get_no_hide_buttons_and_cannot_hide(facilitator, member, community, scan):
    round_ = _round_with_open_answers(facilitator, community, scan)
    facilitator_tokens = _tokens(
        signed_in_client(facilitator).get(round_.get_absolute_url()).content.decode()
    )
    page = signed_in_client(member)

    assert _tokens(page.get(round_.get_absolute_url()).content.decode()) == []
    response = page.post(
        reverse("scans:round_hide_answer", args=[round_.code]), {"answer": facilitator_tokens[0]}
    )
    assert response.status_code == 403
    assert not ItemAnswer.objects.filter(hidden_at__isnull=False).exists()


def test_an_unknown_token_hides_nothing(facilitator, community, scan):
    round_ = _round_with_open_answers(facilitator, community, scan)

    response = signed_in_client(facilitator).post(
        reverse("scans:round_hide_answer", args=[round_.code]), {"answer": "0" * 24}, follow=True
    )

    assert response.status_code == 200
    assert not ItemAnswer.objects.filter(hidden_at__isnull=False).exists()
    body = json.dumps([str(m) for m in response.context["messages"]])
    assert body != "[]"
