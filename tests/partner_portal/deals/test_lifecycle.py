"""A registration's life: submitted with a decision due in business days, approved
into a protection window, extended, expired by the nightly run, won or lost."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

import pytest

from partner_portal.deals.models import Deal, DealEvent, LostReason
from partner_portal.deals.services.deals import (
    Decision,
    deal_decide,
    deal_extend,
    deal_lose,
    deal_submit,
    deal_win,
    deals_expire,
    deals_remind,
)
from partner_portal.partners.models import OnboardingCompletion, OnboardingStep, Stage
from partner_portal.workdays.calendar import add_business_days, business_days_between
from partner_portal.workdays.models import Holiday
from tests.factories import MembershipFactory, PartnerFactory, StaffFactory

from .factories import draft_deal

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def registrant():
    return MembershipFactory(partner=PartnerFactory()).user


def submit(user, **fields):
    deal = draft_deal(user.membership.partner, user, **fields)
    return deal_submit(deal=deal, by=user)


@pytest.fixture
def berlin(settings):
    settings.TIME_ZONE = "Europe/Berlin"


def test_a_decision_due_after_a_weekend_and_a_holiday(berlin):
    Holiday.objects.create(date=dt.date(2026, 12, 7), name="Company day")
    friday = dt.datetime(2026, 12, 4, 16, 0, tzinfo=BERLIN)

    # Monday the 7th is a holiday: Tuesday and Wednesday are the two business days.
    assert add_business_days(friday, 2) == dt.datetime(
        2026, 12, 9, 16, 0, tzinfo=BERLIN
    )
    assert business_days_between(dt.date(2026, 12, 4), dt.date(2026, 12, 9)) == 2


def test_a_decision_asked_on_a_saturday_counts_from_monday(berlin):
    saturday = dt.datetime(2026, 12, 5, 11, 0, tzinfo=BERLIN)

    assert add_business_days(saturday, 2) == dt.datetime(
        2026, 12, 9, 0, 0, tzinfo=BERLIN
    )


def test_a_submission_is_due_two_business_days_later(registrant):
    deal = submit(registrant)

    assert deal.status == Deal.Status.SUBMITTED
    assert deal.decision_due == add_business_days(deal.submitted_at, 2)


def test_the_first_submitted_deal_completes_the_onboarding_step(registrant):
    partner = registrant.membership.partner
    partner.stage = Stage.ONBOARDING
    partner.save(update_fields=["stage"])
    step = OnboardingStep.objects.create(
        title="Register a first deal", kind=OnboardingStep.Kind.REGISTER_DEAL
    )
    draft = draft_deal(partner, registrant)
    assert not OnboardingCompletion.objects.filter(step=step).exists()

    deal_submit(deal=draft, by=registrant)

    assert OnboardingCompletion.objects.filter(step=step, partner=partner).exists()


def test_approval_starts_the_window_and_the_nightly_run_expires_it(registrant):
    staff = StaffFactory()
    deal = deal_decide(deal=submit(registrant), by=staff, decision=Decision.APPROVE)
    end = timezone.localdate() + dt.timedelta(days=90)
    assert deal.protected_until == end

    assert deals_expire(today=end) == 0
    assert deals_expire(today=end + dt.timedelta(days=1)) == 1

    deal.refresh_from_db()
    assert deal.status == Deal.Status.EXPIRED
    assert deal.events.last().action == DealEvent.Action.EXPIRED


def test_an_extension_keeps_the_deal_past_its_first_end(registrant):
    staff = StaffFactory()
    deal = deal_decide(deal=submit(registrant), by=staff, decision="approve")
    end = deal.protected_until
    with pytest.raises(ValidationError):
        deal_extend(deal=deal, by=staff, until=end, reason="Too early")

    deal_extend(
        deal=deal, by=staff, until=end + dt.timedelta(days=60), reason="Tender moved"
    )

    assert deals_expire(today=end + dt.timedelta(days=15)) == 0
    deal.refresh_from_db()
    assert deal.status == Deal.Status.APPROVED
    assert deal.events.last().reason == "Tender moved"


def test_reminders_go_once_at_14_and_at_3_days(
    registrant, mailoutbox, django_capture_on_commit_callbacks
):
    staff = StaffFactory()
    end = deal_decide(
        deal=submit(registrant), by=staff, decision="approve"
    ).protected_until

    with django_capture_on_commit_callbacks(execute=True):
        sent = [
            deals_remind(today=end - dt.timedelta(days=20)),
            deals_remind(today=end - dt.timedelta(days=14)),
            deals_remind(today=end - dt.timedelta(days=13)),
            deals_remind(today=end - dt.timedelta(days=3)),
            deals_remind(today=end - dt.timedelta(days=2)),
        ]

    assert sent == [0, 1, 0, 1, 0]
    assert [message.to for message in mailoutbox[-2:]] == [[registrant.email]] * 2


def test_rejection_needs_a_reason_and_closed_deals_do_not_change(registrant):
    staff = StaffFactory()
    deal = submit(registrant)
    with pytest.raises(ValidationError):
        deal_decide(deal=deal, by=staff, decision=Decision.REJECT, reason=" ")

    deal = deal_decide(
        deal=deal, by=staff, decision="reject", reason="Existing customer", note="x"
    )

    assert deal.status == Deal.Status.REJECTED
    with pytest.raises(ValidationError):
        deal_decide(deal=deal, by=staff, decision="approve")


def test_won_needs_the_final_value_and_lost_a_reason(registrant):
    staff = StaffFactory()
    first = deal_decide(deal=submit(registrant), by=staff, decision="approve")
    second = deal_decide(
        deal=submit(registrant, customer_name="Other Co"), by=staff, decision="approve"
    )
    with pytest.raises(ValidationError):
        deal_win(deal=first, by=registrant, final_value=None)
    with pytest.raises(ValidationError):
        deal_lose(deal=second, by=registrant, lost_reason=None)

    assert (
        deal_win(deal=first, by=registrant, final_value=Decimal("31000")).status
        == "won"
    )
    lost = deal_lose(
        deal=second, by=registrant, lost_reason=LostReason.objects.get(name="Price")
    )
    assert lost.status == Deal.Status.LOST
    with pytest.raises(IntegrityError):
        Deal.objects.filter(pk=first.pk).update(final_value=None)


def test_co_sell_approves_both_sides_of_a_conflict():
    staff = StaffFactory()
    first = submit(MembershipFactory(partner=PartnerFactory()).user)
    second = submit(
        MembershipFactory(partner=PartnerFactory()).user, customer_name="acme"
    )
    assert second.conflict

    deal_decide(deal=second, by=staff, decision=Decision.CO_SELL)

    for deal in (first, second):
        deal.refresh_from_db()
        assert (deal.status, deal.co_sell) == (Deal.Status.APPROVED, True)
        assert deal.protected_until is not None
