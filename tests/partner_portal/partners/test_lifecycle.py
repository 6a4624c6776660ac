"""Lifecycle stages, their history, and the tier history with its dates."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

import pytest

from partner_portal.partners.models import (
    STAGE_TRANSITIONS,
    Partner,
    Stage,
    StageChange,
)
from partner_portal.partners.services import partner_create, partner_update
from tests.factories import StaffFactory, tier

ALL_PAIRS = [(a, b) for a in Stage.values for b in Stage.values if a != b]


def make_partner(stage=Stage.PROSPECT, **fields):
    values = {
        "external_id": "LC-1",
        "name": "Lifecycle Ltd",
        "country": "DE",
        "region": "emea",
        "partner_type": "reseller",
        "tier": tier("registered"),
        "stage": stage,
        "joined_on": datetime.date(2025, 1, 15),
    }
    values.update(fields)
    return partner_create(by=None, reason="created in a test", **values)


@pytest.mark.parametrize(("from_stage", "to_stage"), ALL_PAIRS)
def test_only_the_allowed_transitions_succeed(db, from_stage, to_stage):
    partner = make_partner(stage=from_stage)
    allowed = to_stage in STAGE_TRANSITIONS[Stage(from_stage)]
    if allowed:
        partner_update(partner=partner, stage=to_stage, by=None, reason="r")
        assert Partner.objects.get(pk=partner.pk).stage == to_stage
    else:
        with pytest.raises(ValidationError, match="cannot move from"):
            partner_update(partner=partner, stage=to_stage, by=None, reason="r")
        assert Partner.objects.get(pk=partner.pk).stage == from_stage
        assert partner.stage_changes.count() == 1


def test_the_lifecycle_matches_the_programme_rules():
    assert STAGE_TRANSITIONS[Stage.TERMINATED] == set()
    assert Stage.PROSPECT not in STAGE_TRANSITIONS[Stage.ACTIVE]
    assert Stage.ACTIVE in STAGE_TRANSITIONS[Stage.SUSPENDED]
    assert Stage.ACTIVE in STAGE_TRANSITIONS[Stage.ONBOARDING]


def test_each_change_records_who_when_and_why(db):
    manager = StaffFactory(username="pm")
    partner = make_partner(stage=Stage.ONBOARDING)
    partner_update(
        partner=partner, stage=Stage.ACTIVE, by=manager, reason="Checklist done"
    )
    partner_update(
        partner=partner, stage=Stage.SUSPENDED, by=manager, reason="Unpaid fees"
    )
    history = list(
        StageChange.objects.filter(partner=partner).values_list(
            "from_stage", "to_stage", "changed_by__username", "reason"
        )
    )
    assert history == [
        ("active", "suspended", "pm", "Unpaid fees"),
        ("onboarding", "active", "pm", "Checklist done"),
        ("", "onboarding", None, "created in a test"),
    ]
    assert all(change.changed_at for change in partner.stage_changes.all())


def test_a_change_without_a_reason_is_refused(db):
    partner = make_partner(stage=Stage.ACTIVE)
    with pytest.raises(ValidationError, match="Say why"):
        partner_update(partner=partner, stage=Stage.AT_RISK, by=None, reason="")


def test_the_tier_history_records_from_when_each_tier_is_in_effect(db):
    partner = make_partner(stage=Stage.ACTIVE, joined_on=datetime.date(2024, 3, 1))
    partner_update(partner=partner, by=None, reason="Promotion", tier=tier("gold"))

    assert list(
        partner.tier_changes.order_by("effective_from", "id").values_list(
            "tier__code", "effective_from", "reason"
        )
    ) == [
        ("registered", datetime.date(2024, 3, 1), "created in a test"),
        ("gold", timezone.localdate(), "Promotion"),
    ]
    assert Partner.objects.get(pk=partner.pk).tier == tier("gold")
