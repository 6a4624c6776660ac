import factory
from factory.django import DjangoModelFactory

from partner_portal.partners.models import (
    Application,
    Partner,
    PartnerMembership,
    PartnerType,
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
    region = "emea"
    partner_type = PartnerType.RESELLER
    tier = factory.LazyFunction(lambda: tier("registered"))
    stage = Stage.ACTIVE


class ApplicationFactory(DjangoModelFactory):
    """A submitted application to join the channel."""

    class Meta:
        model = Application

    company_name = factory.Sequence(lambda n: f"Applicant {n}")
    legal_name = factory.LazyAttribute(lambda a: f"{a.company_name} GmbH")
    email_domain = factory.Sequence(lambda n: f"applicant{n}.example")
    country = "DE"
    region = "emea"
    partner_type = PartnerType.RESELLER
    revenue_band = "under_1m"
    employee_count = 12
    contact_first_name = "Lena"
    contact_last_name = "Vogel"
    contact_email = factory.LazyAttribute(lambda a: f"lead@{a.email_domain}")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = PartnerMembership

    user = factory.SubFactory(UserFactory)
    partner = factory.SubFactory(PartnerFactory)
    role = Role.SALES


class SalesSourceFactory(DjangoModelFactory):
    class Meta:
        model = "incentives.SalesSource"

    kind = "command"
    name = factory.Sequence(lambda n: f"sales-{n}.csv")


class SalesRecordFactory(DjangoModelFactory):
    """A sales line; real loads go through the import service, which keeps history."""

    class Meta:
        model = "incentives.SalesRecord"

    invoice_number = factory.Sequence(lambda n: f"INV-{n:06d}")
    line_number = 1
    partner = factory.SubFactory(PartnerFactory)
    date = factory.Faker("date_this_year")
    sku = "SKU-1"
    quantity = 1
    amount = "100.00"
    currency = "USD"
    source = factory.SubFactory(SalesSourceFactory)


def staff_with_permissions(*codenames, **fields):
    """A staff user who may use the admin and holds these partners permissions."""
    from django.contrib.auth.models import Permission

    user = StaffFactory(**fields)
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        ),
        *Permission.objects.filter(
            content_type__app_label="partners", codename__in=codenames
        ),
    )
    return user
