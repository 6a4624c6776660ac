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
def migrated_db(transactional_db):
    """A transactional test's database with what the migrations create put back:
    transactional tests run last, after others that left every table empty."""
    from importlib import import_module

    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command

    from partner_portal.partners.models import Tier

    # post_migrate creates the content types and permissions again, with new ids.
    call_command("migrate", verbosity=0)
    ContentType.objects.clear_cache()
    tiers = import_module("partner_portal.partners.migrations.0002_default_tiers")
    for code, name, rank, description in tiers.DEFAULT_TIERS:
        Tier.objects.get_or_create(
            code=code, defaults={"name": name, "rank": rank, "description": description}
        )
