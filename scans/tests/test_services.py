"""Rounds and answers through the services: who starts and closes a round, its minimum
and date, and one response per member that can change until the round closes."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from communities.tests.factories import make_community
from instruments.tests.factories import InstrumentFactory
from scans import services
from scans.models import ItemAnswer, Response, Round, minimum_group_size
from scans.tests.factories import (
    AGREE_KEY,
    OPEN_KEY,
    SLIDER_KEY,
    YES_NO_KEY,
    answer,
    end_round,
    make_scan,
    start_round,
)

pytestmark = pytest.mark.django_db


def _start(user, community, scan, **kwargs):
    kwargs.setdefault("closes_on", timezone.localdate() + datetime.timedelta(days=7))
    return services.round_start(
        user=user, community=community, scan=scan, title="Voorjaarsronde", **kwargs
    )


# --- starting and closing ---------------------------------------------------------------


def test_a_facilitator_starts_a_round_of_the_current_version(facilitator, community, scan):
    round_ = _start(facilitator, community, scan)

    assert round_.community == community
    assert round_.version == scan.versions.get()
    assert round_.started_by == facilitator
    assert round_.is_open()
    assert round_.min_responses == minimum_group_size() == 3
    assert len(round_.code) == services.CODE_LENGTH


def test_a_round_is_open_until_the_end_of_its_day(facilitator, community, scan):
    day = timezone.localdate() + datetime.timedelta(days=3)

    round_ = _start(facilitator, community, scan, closes_on=day)

    closes = timezone.localtime(round_.closes_at)
    assert (closes.date(), closes.hour, closes.minute) == (day, 23, 59)


@pytest.mark.parametrize("role", ["member", "observer"])
def test_members_and_observers_cannot_start_a_round(role, request, community, scan):
    user = request.getfixturevalue(role)

    with pytest.raises(PermissionDenied):
        _start(user, community, scan)
    assert not Round.objects.exists()


def test_an_outsider_cannot_start_a_round(outsider, community, scan):
    with pytest.raises(PermissionDenied):
        _start(outsider, community, scan)


def test_a_facilitator_of_another_community_cannot_start_a_round_here(community, scan):
    other = UserFactory()
    make_community(facilitator=other)

    with pytest.raises(PermissionDenied):
        _start(other, community, scan)


def test_a_scan_of_an_instrument_the_facilitator_cannot_see_is_refused(
    provider, facilitator, community
):
    draft = InstrumentFactory(owner=provider, status="draft")
    scan = make_scan(provider, instrument=draft)

    with pytest.raises(ValidationError) as caught:
        _start(facilitator, community, scan)
    assert "scan" in caught.value.message_dict


@pytest.mark.parametrize("min_responses", [0, 1, 2])
def test_the_minimum_is_never_below_three(min_responses, facilitator, community, scan):
    with pytest.raises(ValidationError) as caught:
        _start(facilitator, community, scan, min_responses=min_responses)
    assert "min_responses" in caught.value.message_dict


@override_settings(SCANS_MIN_RESPONSES=5)
def test_the_minimum_is_never_below_the_platform_setting(facilitator, community, scan):
    with pytest.raises(ValidationError):
        _start(facilitator, community, scan, min_responses=4)

    assert _start(facilitator, community, scan).min_responses == 5
    assert _start(facilitator, community, scan, min_responses=7).min_responses == 7


@override_settings(SCANS_MIN_RESPONSES=1)
def test_a_setting_below_three_cannot_lower_the_minimum(facilitator, community, scan):
    assert minimum_group_size() == 3
    with pytest.raises(ValidationError):
        _start(facilitator, community, scan, min_responses=2)


def test_a_closing_date_in_the_past_is_refused(facilitator, community, scan):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    with pytest.raises(ValidationError) as caught:
        _start(facilitator, community, scan, closes_on=yesterday)
    assert "closes_on" in caught.value.message_dict
    assert not Round.objects.exists()


def test_every_round_gets_its_own_short_code(facilitator, community, scan):
    codes = {start_round(facilitator, community, scan).code for _n in range(5)}

    assert len(codes) == 5
    assert all(set(code) <= set(services.CODE_ALPHABET) for code in codes)


def test_a_facilitator_closes_a_round(facilitator, community, scan):
    round_ = start_round(facilitator, community, scan)

    services.round_close(user=facilitator, round_=round_)

    round_.refresh_from_db()
    assert round_.closed_at is not None
    assert not round_.is_open()
    assert round_.ended_at == round_.closed_at


def test_closing_twice_keeps_the_first_time(facilitator, community, scan):
    round_ = services.round_close(
        user=facilitator, round_=start_round(facilitator, community, scan)
    )
    first = round_.closed_at

    services.round_close(user=facilitator, round_=round_)

    round_.refresh_from_db()
    assert round_.closed_at == first


def test_a_member_cannot_close_a_round(facilitator, member, community, scan):
    round_ = start_round(facilitator, community, scan)

    with pytest.raises(PermissionDenied):
        services.round_close(user=member, round_=round_)
    round_.refresh_from_db()
    assert round_.closed_at is None


# --- answering --------------------------------------------------------------------------


def test_a_member_answers_every_item(facilitator, member, community, scan):
    round_ = start_round(facilitator, community, scan)

    response = answer(member, round_, [4, 2, 1], {OPEN_KEY: "  Eerst praten.  "})

    answers = {a.item.key: (a.value, a.text) for a in response.answers.select_related("item")}
    assert answers == {
        AGREE_KEY: (4, ""),
        SLIDER_KEY: (2, ""),
        YES_NO_KEY: (1, ""),
        OPEN_KEY: (None, "Eerst praten."),
    }


def test_the_facilitator_answers_too(facilitator, community, scan):
    round_ = start_round(facilitator, community, scan)

    answer(facilitator, round_, [3, 3, 0])

    assert Response.objects.filter(round=round_, respondent=facilitator).exists()


def test_an_open_question_may_stay_empty(facilitator, member, community, scan):
    round_ = start_round(facilitator, community, scan)

    response = answer(member, round_, [4, 2, 1], {OPEN_KEY: "   "})

    assert response.answers.count() == 3


def test_answering_again_changes_the_answers_and_adds_no_response(
    facilitator, member, community, scan
):
    round_ = start_round(facilitator, community, scan)
    first = answer(member, round_, [4, 2, 1], {OPEN_KEY: "Eerst praten."})

    second = answer(member, round_, [1, 5, 0])

    assert second.pk == first.pk
    assert Response.objects.filter(round=round_).count() == 1
    values = dict(second.answers.values_list("item__key", "value"))
    assert values == {AGREE_KEY: 1, SLIDER_KEY: 5, YES_NO_KEY: 0}
    assert ItemAnswer.objects.filter(response__round=round_).count() == 3


@pytest.mark.parametrize(
    "values",
    [
        {AGREE_KEY: 4, SLIDER_KEY: 2},
        {AGREE_KEY: 4, SLIDER_KEY: 2, YES_NO_KEY: ""},
        {AGREE_KEY: 6, SLIDER_KEY: 2, YES_NO_KEY: 1},
        {AGREE_KEY: 4, SLIDER_KEY: 0, YES_NO_KEY: 1},
        {AGREE_KEY: 4, SLIDER_KEY: 2, YES_NO_KEY: 2},
        {AGREE_KEY: "vier", SLIDER_KEY: 2, YES_NO_KEY: 1},
    ],
)
def test_each_scored_item_needs_one_of_its_values(values, facilitator, member, community, scan):
    round_ = start_round(facilitator, community, scan)

    with pytest.raises(ValidationError) as caught:
        answer(member, round_, values)

    assert len(caught.value.message_dict) == 1
    assert not Response.objects.exists()


def test_errors_are_reported_for_every_item_at_once(facilitator, member, community, scan):
    round_ = start_round(facilitator, community, scan)

    with pytest.raises(ValidationError) as caught:
        answer(member, round_, {}, {OPEN_KEY: "x" * 2001})

    assert set(caught.value.message_dict) == {AGREE_KEY, SLIDER_KEY, YES_NO_KEY, OPEN_KEY}


def test_a_failed_change_keeps_the_earlier_answers(facilitator, member, community, scan):
    round_ = start_round(facilitator, community, scan)
    answer(member, round_, [4, 2, 1])

    with pytest.raises(ValidationError):
        answer(member, round_, {AGREE_KEY: 1})

    assert dict(ItemAnswer.objects.values_list("item__key", "value")) == {
        AGREE_KEY: 4,
        SLIDER_KEY: 2,
        YES_NO_KEY: 1,
    }


@pytest.mark.parametrize("role", ["observer", "outsider"])
def test_observers_and_outsiders_cannot_answer(role, request, facilitator, community, scan):
    round_ = start_round(facilitator, community, scan)

    with pytest.raises(PermissionDenied):
        answer(request.getfixturevalue(role), round_, [4, 2, 1])
    assert not Response.objects.exists()


def test_answers_are_refused_after_the_facilitator_closed_the_round(
    facilitator, member, community, scan
):
    round_ = start_round(facilitator, community, scan)
    answer(member, round_, [4, 2, 1])
    services.round_close(user=facilitator, round_=round_)

    with pytest.raises(PermissionDenied):
        answer(member, round_, [1, 1, 0])
    assert dict(ItemAnswer.objects.values_list("item__key", "value"))[AGREE_KEY] == 4


def test_answers_are_refused_once_the_date_passed(facilitator, member, community, scan):
    round_ = end_round(start_round(facilitator, community, scan))

    with pytest.raises(PermissionDenied):
        answer(member, round_, [4, 2, 1])
    assert not Response.objects.exists()


def test_a_round_closes_at_the_end_of_its_last_day(facilitator, community, scan):
    round_ = start_round(facilitator, community, scan, days=2)
    day_after = timezone.localdate() + datetime.timedelta(days=3)
    midnight = timezone.make_aware(datetime.datetime.combine(day_after, datetime.time(0, 0)))

    assert round_.is_open(midnight - datetime.timedelta(minutes=1))
    assert not round_.is_open(midnight)


def test_the_answer_page_of_a_closed_round_refuses_a_post(
    facilitator, member, community, scan, client
):
    round_ = end_round(start_round(facilitator, community, scan))
    client.force_login(member)

    response = client.post(
        reverse("scans:answer", args=[round_.code]),
        {f"item-{AGREE_KEY}": "4", f"item-{SLIDER_KEY}": "2", f"item-{YES_NO_KEY}": "1"},
    )

    assert response.status_code == 403
    assert not Response.objects.exists()


def test_a_suspended_member_cannot_answer(facilitator, member, community, scan):
    round_ = start_round(facilitator, community, scan)
    member.suspended_until = timezone.now() + datetime.timedelta(days=3)
    member.save(update_fields=["suspended_until"])

    with pytest.raises(PermissionDenied):
        answer(member, round_, [3, 3, 1])
    assert not Response.objects.filter(round=round_).exists()
