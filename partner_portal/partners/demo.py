"""The partners part of the demo data set in fixtures/demo/partners.json."""

import json

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .models import (
    Agreement,
    OnboardingStep,
    Partner,
    PartnerMembership,
    Product,
    ScoringRule,
    Specialisation,
    Tier,
    User,
)
from .services import partner_create

DEMO_FILE = settings.BASE_DIR / "fixtures" / "demo" / "partners.json"

# Staff groups of the demo. Account managers hold no model permission on partners:
# they reach the partners assigned to them through object permissions.
STAFF_GROUPS = {
    "Channel account managers": [("wagtailadmin", "access_admin")],
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
    ],
}


def _staff_groups():
    for name, permissions in STAFF_GROUPS.items():
        group, created = Group.objects.get_or_create(name=name)
        if created:
            group.permissions.set(
                Permission.objects.get(content_type__app_label=app, codename=codename)
                for app, codename in permissions
            )


def _user(row, password, *, is_staff):
    user, created = User.objects.get_or_create(
        username=row["username"],
        defaults={
            "email": row["email"],
            "first_name": row["first_name"],
            "last_name": row["last_name"],
            "is_staff": is_staff,
            "is_superuser": row.get("superuser", False),
        },
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user, created


@transaction.atomic
def seed_partners(*, stdout):
    data = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    password = data["password"]
    _staff_groups()
    created_count = 0
    staff = {}
    for row in data["staff"]:
        user, created = _user(row, password, is_staff=True)
        if created:
            user.groups.add(*Group.objects.filter(name__in=row["groups"]))
        staff[user.username] = user
        created_count += created
    tiers = {tier.code: tier for tier in Tier.objects.all()}
    partners = {}
    for row in data["partners"]:
        values = dict(row)
        manager = values.pop("account_manager")
        values["tier"] = tiers[values["tier"]]
        values["account_manager"] = staff.get(manager) if manager else None
        partner = Partner.objects.filter(external_id=values["external_id"]).first()
        if partner is None:
            partner = partner_create(by=None, reason="Demo data", **values)
            created_count += 1
        partners[partner.external_id] = partner
    for row in data["partner_users"]:
        user, created = _user(row, password, is_staff=False)
        PartnerMembership.objects.get_or_create(
            user=user,
            defaults={"partner": partners[row["partner"]], "role": row["role"]},
        )
        created_count += created
    for row in data["agreements"]:
        _agreement, created = Agreement.objects.get_or_create(
            code=row["code"], version=row["version"], defaults=row
        )
        created_count += created
    for model, key in [(Specialisation, "specialisations"), (Product, "products")]:
        for row in data[key]:
            created_count += model.objects.get_or_create(
                name=row["name"], defaults=row
            )[1]
    for row in data["scoring_rules"]:
        created_count += ScoringRule.objects.get_or_create(
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
        created_count += OnboardingStep.objects.get_or_create(
            title=values.pop("title"), defaults=values
        )[1]
    stdout.write(f"Partners: {created_count} demo records created.")
    return data


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
