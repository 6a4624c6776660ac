"""The callers of the scoping matrix: anonymous, partner users A and B, an account
manager, staff; each with a token (and the partners they should or should not see)."""

from dataclasses import dataclass

from django.core.cache import cache

import pytest
from rest_framework.test import APIClient

from partner_portal.api.services import api_token_create
from partner_portal.partners.services import account_manager_permissions_sync
from tests.factories import (
    MembershipFactory,
    PartnerFactory,
    StaffFactory,
    staff_with_permissions,
)

# The scoping matrix: which of partners A, B and C each caller sees (the manager is
# assigned C; the manager and staff hold the view permission of the endpoint's model).
CALLERS = ["anonymous", "user_a", "user_b", "manager", "staff"]
VISIBLE = {
    "anonymous": set(),
    "user_a": {"a"},
    "user_b": {"b"},
    "manager": {"c"},
    "staff": {"a", "b", "c"},
}


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    # Throttle counters live in the cache; each test starts with none.
    cache.clear()
    yield
    cache.clear()


def token_client(user, **token_fields):
    token, key = api_token_create(user=user, **token_fields)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    client.token = token
    client.key = key
    client.user = user
    return client


@dataclass
class World:
    partner_a: object
    partner_b: object
    partner_c: object
    user_a: object
    user_b: object
    manager: object
    staff: object

    def client(self, who):
        if who == "anonymous":
            return APIClient()
        return token_client(getattr(self, who))


@pytest.fixture
def world(db):
    """A and B each have a partner user; C is managed by `manager`; staff see all."""
    partner_a = PartnerFactory(name="Alpha Systems", external_id="CRM-A")
    partner_b = PartnerFactory(name="Beta Networks", external_id="CRM-B")
    manager = StaffFactory(username="manager")
    partner_c = PartnerFactory(
        name="Gamma Cloud", external_id="CRM-C", account_manager=manager
    )
    account_manager_permissions_sync(partner=partner_c)
    user_a = MembershipFactory(partner=partner_a, user__username="alice").user
    user_b = MembershipFactory(partner=partner_b, user__username="bob").user
    staff = staff_with_permissions(
        "view_partner", "change_partner", username="programme"
    )
    return World(
        partner_a=partner_a,
        partner_b=partner_b,
        partner_c=partner_c,
        user_a=user_a,
        user_b=user_b,
        manager=manager,
        staff=staff,
    )


def grant_award_view(*users):
    """What staff need, besides seeing the partner, to see its awards."""
    from django.contrib.auth.models import Permission

    permission = Permission.objects.get(
        content_type__app_label="learning", codename="view_certificationaward"
    )
    for user in users:
        user.user_permissions.add(permission)


@pytest.fixture
def awards(world):
    """One award per partner: A's active, B's expired, C's revoked.

    The account manager and staff of the world may view awards.
    """
    import datetime

    from django.utils import timezone

    from learning.models import Certification
    from learning.services import award_create, award_revoke

    grant_award_view(world.manager, world.staff)
    today = timezone.localdate()
    network = Certification.objects.create(code="net-pro", name="Network Pro")
    security = Certification.objects.create(code="sec-pro", name="Security Pro")
    user_c = MembershipFactory(partner=world.partner_c, user__username="carol").user
    a = award_create(
        user=world.user_a,
        certification=network,
        issued_at=today - datetime.timedelta(days=30),
        expires_at=today + datetime.timedelta(days=300),
    )
    b = award_create(
        user=world.user_b,
        certification=network,
        issued_at=today - datetime.timedelta(days=400),
        expires_at=today - datetime.timedelta(days=35),
    )
    c = award_create(
        user=user_c,
        certification=security,
        issued_at=today - datetime.timedelta(days=10),
        expires_at=today + datetime.timedelta(days=20),
    )
    c = award_revoke(award=c, by=world.staff, reason="Exam fraud")
    return {"a": a, "b": b, "c": c}


def grant_incentives_view(*users):
    """What staff need, besides seeing the partner, to see its statements; and to
    see programs."""
    from django.contrib.auth.models import Permission

    permissions = Permission.objects.filter(
        content_type__app_label="incentives",
        codename__in=["view_statement", "view_program"],
    )
    for user in users:
        user.user_permissions.add(*permissions)


@pytest.fixture
def statements(world):
    """Program `rebate` (5% of revenue, 2.50 a unit of SKU-U) for 2026-Q1: A's and
    B's statements issued, C's a draft; and A's draft for 2026-Q2.

    A sold 1,300.00 in USD in Q1 (4 units of SKU-U among it) and 80.00 in EUR: 65.00
    + 10.00. The account manager and staff of the world may view statements and
    programs.
    """
    from partner_portal.incentives.statements.lifecycle import (
        statement_approve,
        statement_issue,
    )
    from tests.partner_portal.incentives.statements_helpers import (
        make_program,
        run,
        sell,
        statement_of,
    )

    grant_incentives_view(world.manager, world.staff)
    program = make_program(
        [
            {"type": "percent_of_revenue", "rates": {"registered": "5", "gold": "5"}},
            {"type": "per_unit", "amounts": {"SKU-U": "2.50"}},
        ]
    )
    sell(
        world.partner_a,
        ("2026-01-15", "SKU-1", 2, "1000.00"),
        ("2026-02-10", "SKU-U", 4, "400.00"),
        ("2026-03-31", "SKU-1", -1, "-100.00"),
        ("2026-03-05", "SKU-1", 1, "80.00", "EUR"),
        ("2026-04-02", "SKU-1", 1, "50.00"),
    )
    sell(world.partner_b, ("2026-02-01", "SKU-1", 1, "200.00"))
    sell(world.partner_c, ("2026-03-01", "SKU-U", 2, "300.00"))
    run(program, "2026-Q1")
    run(program, "2026-Q2")
    issued = {}
    for letter in ("a", "b"):
        statement = statement_of(getattr(world, f"partner_{letter}"), program)
        statement = statement_approve(statement=statement, by=world.staff)
        issued[letter] = statement_issue(statement=statement, by=world.staff)
    return {
        **issued,
        "c": statement_of(world.partner_c, program),
        "a_draft": statement_of(world.partner_a, program, "2026-Q2"),
        "program": program,
    }


def grant_deals_view(*users, decide=False):
    """What staff need, besides seeing the partner, to see (and decide) deals and to
    see MDF requests and claims."""
    from django.contrib.auth.models import Permission

    codenames = ["view_deal", "view_fundrequest", "view_fundclaim"]
    if decide:
        codenames.append("decide_deal")
    permissions = Permission.objects.filter(
        content_type__app_label="deals", codename__in=codenames
    )
    for user in users:
        user.user_permissions.add(*permissions)


@pytest.fixture
def deals(world):
    """A's draft, B's and C's submitted registrations, each of another customer;
    the account manager and staff of the world may see and decide them."""
    from partner_portal.deals.services.deals import deal_submit
    from tests.partner_portal.deals.factories import draft_deal, product

    grant_deals_view(world.manager, world.staff, decide=True)
    user_c = MembershipFactory(partner=world.partner_c, user__username="carl").user
    firewall = product("Firewall")
    a = draft_deal(
        world.partner_a, world.user_a, customer_name="Acme", products=[firewall]
    )
    b = draft_deal(
        world.partner_b, world.user_b, customer_name="Globex", products=[firewall]
    )
    c = draft_deal(world.partner_c, user_c, customer_name="Initech")
    return {
        "a": a,
        "b": deal_submit(deal=b, by=world.user_b),
        "c": deal_submit(deal=c, by=user_c),
        "product": firewall,
    }


@pytest.fixture
def mdf(world):
    """For each of A, B and C an allocation for 2026-Q4, an approved request and a
    claim against it: A's claim approved, B's paid, C's awaiting decision. The
    account manager and staff of the world may see them."""
    import datetime
    from decimal import Decimal

    from django.utils import timezone

    from partner_portal.deals.models import FundClaim, FundRequest
    from tests.partner_portal.deals.factories import allocation

    grant_deals_view(world.manager, world.staff)
    rows = {}
    claims = {
        "a": (FundClaim.Status.APPROVED, Decimal("1800.00"), None),
        "b": (FundClaim.Status.PAID, Decimal("900.00"), timezone.now()),
        "c": (FundClaim.Status.SUBMITTED, None, None),
    }
    for letter, (claim_status, claim_amount, paid_at) in claims.items():
        partner = getattr(world, f"partner_{letter}")
        funds = allocation(partner, amount="10000.00", currency="USD")
        request = FundRequest.objects.create(
            allocation=funds,
            partner=partner,
            activity_type="event",
            title=f"Launch event {letter.upper()}",
            description="A customer event.",
            start_date=datetime.date(2026, 10, 10),
            end_date=datetime.date(2026, 10, 11),
            planned_cost=Decimal("2500.00"),
            status=FundRequest.Status.APPROVED,
            approved_amount=Decimal("2000.00"),
        )
        claim = FundClaim.objects.create(
            request=request,
            partner=partner,
            request_amount=request.approved_amount,
            actual_cost=Decimal("2100.00"),
            status=claim_status,
            approved_amount=claim_amount,
            paid_at=paid_at,
        )
        rows[letter] = {"allocation": funds, "request": request, "claim": claim}
    return rows
