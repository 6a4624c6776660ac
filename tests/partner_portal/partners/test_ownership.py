"""The partner-owned record policy: one scope for every model a partner owns."""

from django.apps import apps
from django.db import models

import pytest

from learning.models import CertificationAward, Enrolment
from partner_portal.incentives.models import SalesRecord
from partner_portal.partners.models import (
    AccessControlled,
    Partner,
    PartnerMembership,
    Role,
    Stage,
)
from partner_portal.partners.ownership import partner_owned
from partner_portal.partners.services import account_manager_permissions_sync
from tests.factories import (
    MembershipFactory,
    PartnerFactory,
    SalesRecordFactory,
    StaffFactory,
    UserFactory,
)


def _owned_through(field) -> bool:
    """A foreign key to Partner, but not a content item's `owner_partner`: a file
    for its partner only is guarded by its access level, the access rule."""
    return (
        isinstance(field, models.ForeignKey)
        and field.related_model is Partner
        and not (
            field.name == "owner_partner" and issubclass(field.model, AccessControlled)
        )
    )


def models_owned_by_a_partner():
    """Every installed model with a foreign key (or one-to-one) to Partner."""
    return sorted(
        (
            model
            for model in apps.get_models()
            if any(_owned_through(field) for field in model._meta.get_fields())
        ),
        key=lambda model: model._meta.label,
    )


def test_every_model_with_a_foreign_key_to_partner_is_registered_with_the_policy():
    found = models_owned_by_a_partner()

    assert SalesRecord in found and CertificationAward in found
    unregistered = [model._meta.label for model in found if model not in partner_owned]
    assert unregistered == [], (
        "Register these models with partner_owned in their app's ready(): "
        f"{', '.join(unregistered)}"
    )


def staff_with_model_permissions(*perms, **fields):
    from django.contrib.auth.models import Permission

    user = StaffFactory(**fields)
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


@pytest.fixture
def two_partners(db):
    manager = StaffFactory(username="cam")
    mine = PartnerFactory(name="Mine", account_manager=manager)
    account_manager_permissions_sync(partner=mine)
    other = PartnerFactory(name="Other")
    lines = {
        "mine": SalesRecordFactory(partner=mine, invoice_number="MINE-1"),
        "other": SalesRecordFactory(partner=other, invoice_number="OTHER-1"),
    }
    return manager, mine, other, lines


def invoices(user):
    rows = partner_owned.policy_for(SalesRecord).visible_to(user)
    return set(rows.values_list("invoice_number", flat=True))


def test_a_partner_user_sees_only_their_own_partners_records(two_partners):
    _manager, mine, _other, _lines = two_partners
    user = MembershipFactory(partner=mine).user

    assert invoices(user) == {"MINE-1"}


@pytest.mark.parametrize("stage", [Stage.SUSPENDED, Stage.TERMINATED])
def test_a_partner_without_access_sees_none_of_its_records(two_partners, stage):
    _manager, mine, _other, _lines = two_partners
    user = MembershipFactory(partner=mine).user
    Partner.objects.filter(pk=mine.pk).update(stage=stage)
    fresh = type(user).objects.get(pk=user.pk)

    assert invoices(fresh) == set()


def test_an_account_manager_sees_their_partners_records_with_the_permission(
    two_partners,
):
    manager, _mine, _other, _lines = two_partners
    assert invoices(manager) == set()

    with_permission = staff_with_model_permissions(
        "incentives.view_salesrecord", username="cam2"
    )
    mine = Partner.objects.get(name="Mine")
    mine.account_manager = with_permission
    mine.save()
    account_manager_permissions_sync(partner=mine)

    assert invoices(with_permission) == {"MINE-1"}


def test_staff_with_partner_and_record_permissions_see_everything(two_partners):
    staff = staff_with_model_permissions(
        "partners.view_partner", "incentives.view_salesrecord"
    )

    assert invoices(staff) == {"MINE-1", "OTHER-1"}


def test_anyone_else_sees_nothing(two_partners):
    assert invoices(UserFactory()) == set()
    assert invoices(StaffFactory()) == set()


def test_with_an_owner_only_a_partner_admin_sees_the_whole_partners_records(db):
    partner = PartnerFactory()
    admin = MembershipFactory(partner=partner, role=Role.ADMIN).user
    sales = MembershipFactory(partner=partner, role=Role.SALES).user
    policy = partner_owned.policy_for(PartnerMembership)

    assert set(policy.visible_to(admin).values_list("user", flat=True)) == {
        admin.pk,
        sales.pk,
    }
    assert list(policy.visible_to(sales).values_list("user", flat=True)) == [sales.pk]


def test_a_record_outside_the_scope_is_not_seen(two_partners):
    _manager, mine, _other, lines = two_partners
    user = MembershipFactory(partner=mine).user
    policy = partner_owned.policy_for(SalesRecord)

    assert policy.may_see(user, lines["mine"])
    assert not policy.may_see(user, lines["other"])


def test_enrolments_are_registered_with_their_learner_as_owner():
    assert partner_owned.policy_for(Enrolment).owner_field == "user"
