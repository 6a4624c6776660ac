"""The deal-registration part of the demo data set: registrations of the demo
partners in every status, two conflicts awaiting a decision and one overdue.

Registered, submitted and decided through the services, as partners and staff
would; the overdue one is then moved back in time, as if submitted a week ago.
The demo staff groups get the deal permissions: channel account managers see and
decide their own partners' registrations, program managers every partner's, and
keep the lists, settings and imports.

The partners recruited from demo applications (partners.demo) register their
first deal so many days after they became active; staff approve it the next
day, and one whose protection window has ended since was won.
"""

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from partner_portal.partners.demo import recruited_partners
from partner_portal.partners.models import Partner, Product, User
from partner_portal.workdays.calendar import add_business_days

from .models import Deal, DealEvent, DealSettings, LostReason
from .services.deals import (
    deal_decide,
    deal_lose,
    deal_save,
    deal_submit,
    deal_win,
    deals_expire,
)

GROUP_PERMISSIONS = {
    "Channel account managers": ["view_deal", "decide_deal"],
    "Program managers": [
        "view_deal",
        "add_deal",
        "decide_deal",
        "view_legalsuffix",
        "add_legalsuffix",
        "change_legalsuffix",
        "delete_legalsuffix",
        "view_lostreason",
        "add_lostreason",
        "change_lostreason",
        "delete_lostreason",
        "change_dealsettings",
    ],
}


def _grant_group_permissions():
    for name, codenames in GROUP_PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label="deals", codename__in=codenames
                )
            )


# (partner, registrant's username, customer, domain, products, value, currency,
#  days to close, what happens after submission)
DEMO_DEALS = [
    # A conflict by domain: the same hospital group written in Chinese and English,
    # by two partners. The second one's submission is flagged; both await staff.
    (
        "P-1003",
        "gold.user",
        "上海星辰医疗器械有限公司",
        "xingchen-med.example",
        ["Zero Trust Access", "Edge Gateway"],
        "880000.00",
        "CNY",
        75,
        "submitted",
    ),
    (
        "P-1002",
        "silver.user",
        "Xingchen Medical Devices Co., Ltd.",
        "https://www.xingchen-med.example",
        ["Zero Trust Access"],
        "120000.00",
        "USD",
        60,
        "submitted",
    ),
    # A conflict by name between two partners of the same account manager.
    (
        "P-1001",
        "registered.user",
        "ACME, Inc.",
        "",
        ["Cloud Backup"],
        "42000.00",
        "GBP",
        45,
        "submitted",
    ),
    (
        "P-1004",
        None,
        "acme inc",
        "",
        ["Cloud Backup", "Edge Gateway"],
        "65000.00",
        "EUR",
        50,
        "submitted",
    ),
    # Submitted a week ago and not decided: overdue.
    (
        "P-1002",
        "silver.user",
        "Blue Yonder Airlines",
        "blueyonder.example",
        ["Edge Gateway"],
        "38000.00",
        "USD",
        40,
        "overdue",
    ),
    (
        "P-1002",
        "silver.user",
        "Wingtip Toys",
        "wingtiptoys.example",
        ["Cloud Backup"],
        "15500.00",
        "USD",
        30,
        "approved",
    ),
    (
        "P-1003",
        "gold.user",
        "杭州云帆物流股份有限公司",
        "yunfan-logistics.example",
        ["Cloud Backup", "Zero Trust Access"],
        "260000.00",
        "CNY",
        20,
        "ending",
    ),
    (
        "P-1001",
        "registered.user",
        "Adventure Works Cycles",
        "adventure-works.example",
        ["Edge Gateway"],
        "27000.00",
        "GBP",
        15,
        "won",
    ),
    (
        "P-1003",
        "gold.user",
        "深圳蓝海电子科技有限公司",
        "",
        ["Edge Gateway"],
        "150000.00",
        "CNY",
        25,
        "lost",
    ),
    (
        "P-1004",
        None,
        "Trey Research",
        "treyresearch.example",
        ["Zero Trust Access"],
        "54000.00",
        "EUR",
        35,
        "rejected",
    ),
    (
        "P-1001",
        "registered.user",
        "Fourth Coffee",
        "fourthcoffee.example",
        ["Cloud Backup"],
        "12000.00",
        "GBP",
        10,
        "expired",
    ),
    (
        "P-1003",
        "gold.user",
        "南京青松教育集团",
        "",
        ["Cloud Backup"],
        "90000.00",
        "CNY",
        90,
        "draft",
    ),
]


# The customers of the recruited partners' first registrations, in turn.
FIRST_CUSTOMERS = [
    ("City Power & Light", "citypower.example"),
    ("Consolidated Messenger", "consolidated.example"),
    ("Lamna Healthcare", "lamna.example"),
    ("Tailwind Traders", "tailwindtraders.example"),
    ("Nod Publishers", "nodpublishers.example"),
    ("Woodgrove Bank", "woodgrovebank.example"),
]


def _first_deals(today, decider) -> int:
    """The recruited partners' first registrations not in yet; returns how many
    were added. Submitted and approved through the services, then moved back to
    the days they happened on."""
    added = 0
    for index, (partner, active_at, row) in enumerate(recruited_partners()):
        days = row.get("first_deal_days")
        if days is None or Deal.objects.filter(partner=partner).exists():
            continue
        by = partner.memberships.first().user
        customer, domain = FIRST_CUSTOMERS[index % len(FIRST_CUSTOMERS)]
        value = Decimal(25000 + 5000 * index)
        deal = deal_save(
            partner=partner,
            by=by,
            products=Product.objects.filter(name__in=row["products"][:1]),
            customer_name=customer,
            customer_domain=domain,
            country=partner.country,
            region=partner.region,
            estimated_value=value,
            currency="CNY" if partner.country == "CN" else "USD",
            expected_close_date=today + dt.timedelta(days=60),
            notes="Demo registration: the partner's first.",
        )
        deal = deal_submit(deal=deal, by=by)
        deal = deal_decide(deal=deal, by=decider, decision="approve")
        submitted = active_at + dt.timedelta(days=days)
        decided = submitted + dt.timedelta(days=1)
        settings = DealSettings.load()
        protected_until = timezone.localdate(decided) + dt.timedelta(
            days=settings.protection_days
        )
        Deal.objects.filter(pk=deal.pk).update(
            submitted_at=submitted,
            decision_due=add_business_days(submitted, settings.decision_business_days),
            decided_at=decided,
            protected_until=protected_until,
            expected_close_date=protected_until - dt.timedelta(days=10),
        )
        DealEvent.objects.filter(deal=deal, action=DealEvent.Action.SUBMITTED).update(
            at=submitted
        )
        DealEvent.objects.filter(deal=deal, action=DealEvent.Action.APPROVED).update(
            at=decided
        )
        DealEvent.objects.filter(deal=deal, action=DealEvent.Action.CREATED).update(
            at=submitted
        )
        if protected_until < today:
            deal_win(deal=deal, by=by, final_value=value)
            DealEvent.objects.filter(deal=deal, action=DealEvent.Action.WON).update(
                at=decided + dt.timedelta(days=30)
            )
        added += 1
    return added


def _decider():
    return User.objects.filter(username="pm").first()


def _demo_deal(row, today, decider):
    partner_id, username, customer, domain, products, value, currency, days, fate = row
    partner = Partner.objects.get(external_id=partner_id)
    by = User.objects.filter(username=username).first() if username else None
    deal = deal_save(
        partner=partner,
        by=by,
        products=Product.objects.filter(name__in=products),
        customer_name=customer,
        customer_domain=domain,
        country=partner.country,
        region=partner.region,
        estimated_value=Decimal(value),
        currency=currency,
        expected_close_date=today + dt.timedelta(days=days),
        notes="Demo registration.",
    )
    if fate == "draft":
        return deal
    deal = deal_submit(deal=deal, by=by)
    if fate == "submitted":
        return deal
    if fate == "overdue":
        submitted = timezone.now() - dt.timedelta(days=7)
        due = add_business_days(submitted, DealSettings.load().decision_business_days)
        Deal.objects.filter(pk=deal.pk).update(submitted_at=submitted, decision_due=due)
        DealEvent.objects.filter(deal=deal).update(at=submitted)
        return deal
    if fate == "rejected":
        return deal_decide(
            deal=deal,
            by=decider,
            decision="reject",
            reason="Trey Research is a named account of the vendor's direct team.",
            note="Checked with the enterprise sales lead.",
        )
    deal = deal_decide(deal=deal, by=decider, decision="approve")
    if fate in ("ending", "expired"):
        # A window that ends in ten days, and one that ended yesterday, which the
        # nightly run expires.
        days = 10 if fate == "ending" else -1
        Deal.objects.filter(pk=deal.pk).update(
            protected_until=today + dt.timedelta(days=days)
        )
        if fate == "expired":
            deals_expire(today=today)
    if fate == "won":
        deal = deal_win(deal=deal, by=by, final_value=Decimal(value))
    if fate == "lost":
        deal = deal_lose(
            deal=deal,
            by=by,
            lost_reason=LostReason.objects.filter(name="Price").first(),
            reason="The customer chose a cheaper offer.",
        )
    return deal


@transaction.atomic
def seed_deals(*, stdout):
    _grant_group_permissions()
    first = _first_deals(timezone.localdate(), _decider())
    if first:
        stdout.write(f"Deals: {first} first registrations of recruited partners.")
    demo_partners = Partner.objects.filter(external_id__startswith="P-")
    if Deal.objects.filter(partner__in=demo_partners).exists():
        stdout.write("Deals: the demo partners have registrations; none added.")
        return
    if not demo_partners.exists():
        stdout.write("Deals: no demo partners; no demo registrations added.")
        return
    today = timezone.localdate()
    decider = _decider()
    for row in DEMO_DEALS:
        _demo_deal(row, today, decider)
    waiting = Deal.objects.filter(
        partner__in=demo_partners, status=Deal.Status.SUBMITTED, conflict=True
    ).count()
    stdout.write(
        f"Deals: {len(DEMO_DEALS)} demo registrations, {waiting} in conflict "
        "awaiting a decision."
    )
