import pytest

from tests.factories import MembershipFactory, PartnerFactory, tier


@pytest.fixture
def partner_user_at(db):
    """Make a partner user whose partner has the given tier code and stage."""

    def make(tier_code="registered", stage="active", **user_fields):
        partner = PartnerFactory(tier=tier(tier_code), stage=stage)
        return MembershipFactory(partner=partner, **user_fields).user

    return make
