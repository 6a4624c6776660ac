from importlib import import_module

from django.apps import apps

import pytest

from tests.factories import MembershipFactory, PartnerFactory, tier


@pytest.fixture
def partner_user_at(db):
    """Make a partner user whose partner has the given tier code and stage."""

    def make(tier_code="registered", stage="active", **user_fields):
        partner = PartnerFactory(tier=tier(tier_code), stage=stage)
        return MembershipFactory(partner=partner, **user_fields).user

    return make


@pytest.fixture
def migrated_data(transactional_db):
    """The rows a fresh database starts with, for tests that run outside a transaction.

    Transactional tests (the live server) empty every table when they end; this puts
    back what the data migrations create, by running those same migrations' code.
    """
    tiers = import_module("partner_portal.partners.migrations.0002_default_tiers")
    tiers.create_default_tiers(apps, None)
