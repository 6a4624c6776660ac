"""The conflict check at submission: the same customer however it is written, with a
product in common, and nothing about the rival told to the registrant."""

import pytest

from partner_portal.deals.customers import customer_key
from partner_portal.deals.models import Deal, DealConflict, LegalSuffix
from partner_portal.deals.services.deals import deal_submit
from tests.factories import MembershipFactory, PartnerFactory

from .factories import draft_deal, product

pytestmark = pytest.mark.django_db


def submitted(name, domain="", products=None, partner=None):
    partner = partner or PartnerFactory()
    user = MembershipFactory(partner=partner).user
    deal = draft_deal(
        partner, user, customer_name=name, customer_domain=domain, products=products
    )
    return deal_submit(deal=deal, by=user)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("华东渠道科技有限公司", "华东渠道科技"),
        ("ACME, Inc.", "acme inc"),
        ("Ｆａｂｒｉｋａｍ", "Fabrikam GmbH"),  # noqa: RUF001 (full width on purpose)
        ("Contoso S.A.", "CONTOSO SA"),
        ("北京数云集团有限公司", "北京数云"),
    ],
)
def test_the_same_customer_written_differently_is_a_conflict(first, second):
    earlier = submitted(first)
    later = submitted(second)

    assert later.conflict is True
    conflict = DealConflict.objects.get(deal=later)
    assert conflict.other == earlier and conflict.rule == DealConflict.Rule.NAME
    earlier.refresh_from_db()
    assert earlier.conflict is True


def test_the_same_domain_with_and_without_www_is_a_conflict_by_domain():
    submitted("Northwind Traders", domain="https://www.northwind.example/about")
    later = submitted("NW Trading Company", domain="Northwind.example")

    assert later.conflict is True
    assert later.conflicts.get().rule == DealConflict.Rule.DOMAIN


def test_no_conflict_for_different_products_or_a_different_customer():
    submitted("ACME, Inc.", products=[product("Firewall")])

    assert submitted("acme inc", products=[product("Switches")]).conflict is False
    assert submitted("Acme Robotics Inc.").conflict is False


def test_rejected_drafts_and_closed_registrations_do_not_conflict():
    partner = PartnerFactory()
    draft_deal(partner, customer_name="Globex Ltd")
    closed = submitted("Globex Ltd")
    Deal.objects.filter(pk=closed.pk).update(status=Deal.Status.REJECTED)

    assert submitted("globex").conflict is False


def test_a_suffix_staff_add_keys_open_registrations_again(
    django_capture_on_commit_callbacks,
):
    earlier = submitted("Initech Sdn Bhd")
    assert submitted("Initech").conflict is False

    with django_capture_on_commit_callbacks(execute=True):
        LegalSuffix.objects.create(suffix="Sdn Bhd")

    earlier.refresh_from_db()
    assert earlier.customer_key == customer_key("Initech") == "initech"
    assert submitted("INITECH").conflict is True
