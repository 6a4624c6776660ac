"""The partners part of the demo data set in fixtures/demo/partners.json.

Besides the partners of the demo logins: more partners per tier ("peers", so a
scorecard has a tier average and median), their users and the demo logins'
colleagues (no password: they are not logins, they sign in and get certified),
the tiers' requirements, and a year of applications taken through review,
approval and onboarding by the real services, then moved back to the days they
happened on, so the recruitment funnel has a history.
"""

import datetime as dt
import json
from collections import Counter
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from wagtail.models import ModelLogEntry

from .company import partner_profile_update
from .models import (
    Agreement,
    AgreementAcceptance,
    Application,
    OnboardingCompletion,
    OnboardingStep,
    Partner,
    PartnerMembership,
    Product,
    Region,
    ScoringRule,
    Specialisation,
    Stage,
    StageChange,
    Tier,
    TierChange,
    User,
)
from .recruitment import application_approve, application_reject, application_submit
from .services import partner_create

DEMO_FILE = settings.BASE_DIR / "fixtures" / "demo" / "partners.json"

# Staff groups of the demo. Account managers hold no model permission on partners:
# they reach the partners assigned to them through object permissions.
STAFF_GROUPS = {
    # An account manager reads their own partners' users, histories and onboarding
    # (the partner-owned policy scopes each to the partners they manage).
    "Channel account managers": [
        ("wagtailadmin", "access_admin"),
        ("partners", "view_partnermembership"),
        ("partners", "view_stagechange"),
        ("partners", "view_tierchange"),
        ("partners", "view_tierevaluation"),
        ("partners", "view_onboardingcompletion"),
    ],
    "Program managers": [
        ("wagtailadmin", "access_admin"),
        ("partners", "add_partner"),
        ("partners", "change_partner"),
        ("partners", "view_partner"),
        ("partners", "view_partnermembership"),
        ("partners", "change_partnermembership"),
        ("partners", "add_partnermembership"),
        ("partners", "view_tier"),
        ("partners", "change_tier"),
        ("partners", "add_tier"),
        ("partners", "view_application"),
        ("partners", "change_application"),
        ("partners", "view_scoringrule"),
        ("partners", "add_scoringrule"),
        ("partners", "change_scoringrule"),
        ("partners", "delete_scoringrule"),
        ("partners", "view_agreement"),
        ("partners", "add_agreement"),
        ("partners", "change_agreement"),
        # The settings of the program a program manager keeps (README, Recruitment
        # and Onboarding): specialisations, products, onboarding steps, tier rules.
        ("partners", "view_specialisation"),
        ("partners", "add_specialisation"),
        ("partners", "change_specialisation"),
        ("partners", "view_product"),
        ("partners", "add_product"),
        ("partners", "change_product"),
        ("partners", "view_onboardingstep"),
        ("partners", "add_onboardingstep"),
        ("partners", "change_onboardingstep"),
        ("partners", "delete_onboardingstep"),
        ("partners", "change_tierprogramsettings"),
    ],
}


def _staff_groups():
    for name, permissions in STAFF_GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        # Added, not set: a demo seeded before a permission joined the list gains
        # it on the next seed, and what other apps' demos grant stays.
        group.permissions.add(
            *(
                Permission.objects.get(content_type__app_label=app, codename=codename)
                for app, codename in permissions
            )
        )


def _user(row, password, *, is_staff):
    """The row's user; created with `password` (None: no usable one) and, for a
    partner user, a last sign-in so many days ago."""
    days = row.get("last_login_days_ago")
    user, created = User.objects.get_or_create(
        username=row["username"],
        defaults={
            "email": row["email"],
            "first_name": row["first_name"],
            "last_name": row["last_name"],
            "is_staff": is_staff,
            "is_superuser": row.get("superuser", False),
            "last_login": None if days is None else _days_ago(days, hour=9),
        },
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user, created


def _days_ago(days, *, hour=10):
    """A moment `days` before today, at `hour` local time."""
    day = timezone.localdate() - dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _partner(values, staff, tiers):
    """The demo partner of a row, created unless its external id exists."""
    values = dict(values)
    for name in ("annual_revenue", "revenue_trend"):  # the sales demo reads these
        values.pop(name, None)
    manager = values.pop("account_manager")
    values["tier"] = tiers[values["tier"]]
    values["account_manager"] = staff.get(manager) if manager else None
    partner = Partner.objects.filter(external_id=values["external_id"]).first()
    if partner is not None:
        return partner, False
    return partner_create(by=None, reason="Demo data", **values), True


def _tier_requirements(data):
    """Set the demo requirements on tiers that have none yet (staff may have
    set their own since)."""
    for code, values in data["tier_requirements"].items():
        revenue = values["min_trailing_revenue"]
        Tier.objects.filter(
            code=code, min_trailing_revenue__isnull=True, min_certified_users=0
        ).update(
            min_trailing_revenue=Decimal(revenue) if revenue else None,
            min_certified_users=values["min_certified_users"],
        )


def made_summary(made: Counter) -> str:
    """What a seed made, counted by kind ("6 partners, 11 staff"), or that a run
    found it all there already."""
    counted = [f"{count} {kind}" for kind, count in made.items() if count]
    return ", ".join(counted) + " created" if counted else "all there already"


def _regions(data):
    """The demo's regions below the four the product ships with: Greater China's
    华东, 华南…"""
    for order, row in enumerate(data["regions"], start=1):
        Region.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "name_zh": row["name_zh"],
                "parent": row["parent"] and Region.objects.get(code=row["parent"]),
                "sort_order": order,
            },
        )


@transaction.atomic
def seed_partners(*, stdout):
    data = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    password = data["password"]
    _staff_groups()
    # Counted in the order a reader wants them: partners first.
    made = Counter(dict.fromkeys(["partners", "users", "staff"], 0))
    staff = {}
    for row in data["staff"]:
        user, created = _user(row, password, is_staff=True)
        if created:
            user.groups.add(*Group.objects.filter(name__in=row["groups"]))
        staff[user.username] = user
        made["staff"] += created
    _tier_requirements(data)
    _regions(data)
    tiers = {tier.code: tier for tier in Tier.objects.all()}
    partners = {}
    for row in data["partners"] + data["peer_partners"]:
        partner, created = _partner(row, staff, tiers)
        partners[partner.external_id] = partner
        made["partners"] += created
    for row, user_password in [(row, password) for row in data["partner_users"]] + [
        (row, None) for row in data["team_users"]
    ]:
        user, created = _user(row, user_password, is_staff=False)
        PartnerMembership.objects.get_or_create(
            user=user,
            defaults={"partner": partners[row["partner"]], "role": row["role"]},
        )
        made["users"] += created
    for row in data["agreements"]:
        _agreement, created = Agreement.objects.get_or_create(
            code=row["code"], version=row["version"], defaults=row
        )
        made["agreements"] += created
    for model, key in [(Specialisation, "specialisations"), (Product, "products")]:
        for row in data[key]:
            made[key] += model.objects.get_or_create(name=row["name"], defaults=row)[1]
    for row in data["scoring_rules"]:
        made["scoring rules"] += ScoringRule.objects.get_or_create(
            criterion=row["criterion"], value=row["value"], defaults=row
        )[1]
    for row in data["onboarding_steps"]:
        values = dict(row)
        code = values.pop("agreement")
        values["agreement"] = (
            Agreement.objects.filter(code=code).order_by("-version").first()
            if code
            else None
        )
        made["onboarding steps"] += OnboardingStep.objects.get_or_create(
            title=values.pop("title"), defaults=values
        )[1]
    made["applications"] = _applications(data["applications"], staff["pm"])
    stdout.write(f"Partners: {made_summary(made)}.")
    return data


def _applications(rows, reviewer):
    """Submit, decide and onboard the demo applications not in yet; returns how
    many were added."""
    known = set(
        Application.objects.filter(
            contact_email__in=[row["contact_email"] for row in rows]
        ).values_list("contact_email", flat=True)
    )
    added = 0
    for row in rows:
        if row["contact_email"] not in known:
            _application(row, reviewer)
            added += 1
    return added


def _application(row, reviewer):
    """One application through the services, each step then moved back to its
    day: the services stamp "now", the demo tells of the year before."""
    fields = {
        name: row[name]
        for name in (
            "company_name",
            "legal_name",
            "website",
            "email_domain",
            "country",
            "region",
            "partner_type",
            "revenue_band",
            "employee_count",
            "contact_first_name",
            "contact_last_name",
            "contact_email",
        )
    }
    application = application_submit(
        fields=fields,
        specialisations=Specialisation.objects.filter(name__in=row["specialisations"]),
        products=Product.objects.filter(name__in=row["products"]),
        client_key="demo",
        language="zh-hans" if row["country"] == "CN" else "en",
    )
    days = row["submitted_days_ago"]
    Application.objects.filter(pk=application.pk).update(
        submitted_at=_days_ago(days, hour=9)
    )
    if row["fate"] == "submitted":
        return
    days -= row["review_days"]
    reviewed = _days_ago(days, hour=15)
    if row["fate"] == "rejected":
        application_reject(application=application, by=reviewer, reason=row["reason"])
        Application.objects.filter(pk=application.pk).update(reviewed_at=reviewed)
        return
    since = timezone.now()
    partner = application_approve(application=application, by=reviewer)
    Application.objects.filter(pk=application.pk).update(reviewed_at=reviewed)
    Partner.objects.filter(pk=partner.pk).update(
        joined_on=reviewed.date(), created_at=reviewed
    )
    TierChange.objects.filter(partner=partner).update(effective_from=reviewed.date())
    AgreementAcceptance.objects.filter(partner=partner).update(accepted_at=reviewed)
    _backdate(partner, since, reviewed)
    if row["fate"] == "onboarding":
        return
    since = timezone.now()
    admin = partner.memberships.get().user
    partner_profile_update(
        partner=partner,
        by=admin,
        website=row["website"],
        phone="+1 555 0100",
        address=f"1 Demo Street, {row['country']}",
    )
    active = _days_ago(days - row["active_days"], hour=11)
    _backdate(partner, since, active)
    # The admin accepted the invitation and signed in to complete the profile.
    User.objects.filter(pk=admin.pk).update(last_login=active)


def _backdate(partner, since, moment):
    """Move what the services recorded for `partner` after `since` to `moment`."""
    StageChange.objects.filter(partner=partner, changed_at__gte=since).update(
        changed_at=moment
    )
    OnboardingCompletion.objects.filter(
        partner=partner, completed_at__gte=since
    ).update(completed_at=moment)
    ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Partner),
        object_id=str(partner.pk),
        timestamp__gte=since,
    ).update(timestamp=moment)


def recruited_partners():
    """[(partner, the moment it became active, its demo application row)] of the
    demo applicants that became active: the deals and sales demos give them
    their first deal and sale so many days after that."""
    data = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    rows = {row["contact_email"]: row for row in data["applications"]}
    applications = Application.objects.filter(
        contact_email__in=list(rows), partner__isnull=False
    ).select_related("partner")
    result = []
    for application in applications.order_by("submitted_at"):
        active = (
            StageChange.objects.filter(
                partner=application.partner, to_stage=Stage.ACTIVE
            )
            .order_by("changed_at")
            .first()
        )
        if active is not None:
            result.append(
                (
                    application.partner,
                    active.changed_at,
                    rows[application.contact_email],
                )
            )
    return result


def peer_partners():
    """[(partner, annual revenue, trend)] of the demo's peer partners, for the
    sales demo: a year of sales of about that sum, the last months higher (a
    positive trend) or lower than the first by that fraction."""
    data = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    rows = {row["external_id"]: row for row in data["peer_partners"]}
    return [
        (
            partner,
            Decimal(rows[partner.external_id]["annual_revenue"]),
            Decimal(rows[partner.external_id]["revenue_trend"]),
        )
        for partner in Partner.objects.filter(external_id__in=list(rows)).order_by(
            "external_id"
        )
    ]


def demo_logins():
    """(username, description) pairs for the README and the seed_demo summary."""
    data = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    partners = {row["external_id"]: row for row in data["partners"]}
    logins = [
        (row["username"], ", ".join(row["groups"]) or "administrator")
        for row in data["staff"]
    ]
    for row in data["partner_users"]:
        partner = partners[row["partner"]]
        logins.append(
            (
                row["username"],
                f"{partner['name']}: {partner['tier']} tier, "
                f"{partner['stage']}, {row['role']}",
            )
        )
    return data["password"], logins
