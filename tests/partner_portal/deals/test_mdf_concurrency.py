"""Two approvals at once cannot overspend an allocation: real PostgreSQL, two
connections (one per thread), both approving amounts that fit alone and not
together."""

import threading

from django.core.exceptions import ValidationError
from django.db import connection, transaction

import pytest

from partner_portal.deals.mdf_selectors import balance_of
from partner_portal.deals.models import FundRequest
from partner_portal.deals.services.mdf import fund_request_decide
from tests.factories import PartnerFactory, StaffFactory

from .factories import allocation
from .mdf_helpers import D, request_of

pytestmark = pytest.mark.usefixtures("migrated_db")
WAIT = 30  # seconds a thread waits for the other before the test gives up


class Approval(threading.Thread):
    """Approves `request` on its own connection; keeps the outcome."""

    def __init__(self, request, by, *, before_commit=None):
        super().__init__(daemon=True)
        self.request, self.by = request, by
        self.before_commit = before_commit
        self.outcome = None

    def run(self):
        try:
            with transaction.atomic():
                fund_request_decide(request=self.request, by=self.by, approve=True)
                if self.before_commit is not None:
                    self.before_commit()
            self.outcome = "approved"
        except ValidationError as error:
            self.outcome = " ".join(" ".join(error.messages).split())
        finally:
            connection.close()


def two_requests():
    """5,000.00 USD allocated; two requests of 3,000.00 each, awaiting a decision."""
    funds = allocation(PartnerFactory(), amount="5000.00")
    return funds, [
        request_of(funds, planned_cost="3000.00", title=title)
        for title in ("First", "Second")
    ]


def waiting_for_a_lock(pid_to_ignore):
    """Whether another backend waits for a row lock on an allocation."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE pid <> %s "
            "AND datname = current_database() AND wait_event_type = 'Lock' "
            "AND query ILIKE %s",
            [pid_to_ignore, "%deals_fundallocation%"],
        )
        return cursor.fetchone()[0] > 0


def test_the_second_approval_waits_for_the_first_and_then_sees_it():
    funds, (first, second) = two_requests()
    staff = StaffFactory()
    decided, release = threading.Event(), threading.Event()

    def hold():
        decided.set()
        assert release.wait(WAIT)

    holder = Approval(first, staff, before_commit=hold)
    holder.start()
    assert decided.wait(WAIT)
    # The first approval is written but not committed; the second starts now.
    waiter = Approval(second, staff)
    waiter.start()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        me = cursor.fetchone()[0]
    for _attempt in range(WAIT * 10):
        if waiting_for_a_lock(me):
            break
        threading.Event().wait(0.1)
    else:
        pytest.fail("The second approval never waited for the allocation's lock.")
    release.set()
    holder.join(WAIT)
    waiter.join(WAIT)

    assert holder.outcome == "approved"
    assert waiter.outcome == (
        "Only 2,000.00 USD remains of the allocation for 2026-Q4; approve at most that."
    )
    assert list(
        FundRequest.objects.order_by("title").values_list("status", flat=True)
    ) == [
        "approved",
        "submitted",
    ]
    assert balance_of(funds).remaining == D("2000.00")


def test_of_two_approvals_started_together_exactly_one_succeeds():
    funds, requests = two_requests()
    staff = StaffFactory()
    start = threading.Barrier(2)

    class Together(Approval):
        def run(self):
            start.wait(WAIT)
            super().run()

    approvals = [Together(request, staff) for request in requests]
    for approval in approvals:
        approval.start()
    for approval in approvals:
        approval.join(WAIT)

    outcomes = [approval.outcome for approval in approvals]
    assert outcomes.count("approved") == 1
    [refused] = [outcome for outcome in outcomes if outcome != "approved"]
    assert refused.startswith("Only 2,000.00 USD remains of the allocation")
    balance = balance_of(funds)
    assert (balance.approved, balance.remaining) == (D("3000.00"), D("2000.00"))
    assert FundRequest.objects.filter(status="approved").count() == 1
