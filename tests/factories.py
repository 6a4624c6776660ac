import factory
from factory.django import DjangoModelFactory

from partner_portal.partners.models import (
    Partner,
    PartnerMembership,
    PartnerType,
    Region,
    Role,
    Stage,
    Tier,
    User,
)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password("secret-pass-123")


class StaffFactory(UserFactory):
    is_staff = True


def tier(code):
    """One of the four default tiers the data migration creates."""
    return Tier.objects.get(code=code)


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = Partner

    external_id = factory.Sequence(lambda n: f"EXT-{n:05d}")
    name = factory.Sequence(lambda n: f"Partner {n}")
    legal_name = factory.LazyAttribute(lambda p: f"{p.name} Ltd")
    country = "DE"
    region = Region.EMEA
    partner_type = PartnerType.RESELLER
    tier = factory.LazyFunction(lambda: tier("registered"))
    stage = Stage.ACTIVE


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = PartnerMembership

    user = factory.SubFactory(UserFactory)
    partner = factory.SubFactory(PartnerFactory)
    role = Role.SALES
