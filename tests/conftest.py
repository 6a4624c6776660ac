from django.conf import settings
from django.utils import translation

import pytest

from tests.factories import MembershipFactory, PartnerFactory, tier


@pytest.fixture
def partner_user_at(db):
    """Make a partner user whose partner has the given tier code and stage."""

    def make(tier_code="registered", stage="active", **user_fields):
        partner = PartnerFactory(tier=tier(tier_code), stage=stage)
        return MembershipFactory(partner=partner, **user_fields).user

    return make


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language: Django's LocaleMiddleware leaves the
    language of a request active in the thread, so a Chinese page in one test would
    otherwise word the next test's command output and messages in Chinese."""
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def migrated_db(django_db_serialized_rollback, transactional_db):
    """A transactional test's database as the migrations left it (tiers, regions,
    content types, Wagtail's root page): transactional tests run last, after others
    that left every table empty, and the serialized rollback puts back the snapshot
    pytest-django took of the migrated database."""
