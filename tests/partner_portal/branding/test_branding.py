"""White-labelling: the branding setting names the portal and the Wagtail admin."""

import re

from django.core.exceptions import ValidationError

import pytest

from partner_portal.branding.models import Branding, contrast_ratio

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme():
    branding = Branding.load()
    branding.vendor_name = "Acme Networks"
    branding.primary_colour = "#6a1b9a"
    branding.full_clean()
    branding.save()
    return branding


def title(response):
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)[1]


def test_the_portal_title_and_header_name_the_vendor(client, acme):
    response = client.get("/accounts/login/")
    assert "Acme Networks" in title(response)
    assert "CPLMS" not in title(response)
    assert 'class="brand"' in response.content.decode()
    assert "--brand: #6a1b9a" in response.content.decode()


def test_the_default_brand_is_cplms(client):
    assert "CPLMS" in title(client.get("/accounts/login/"))


def test_the_admin_sign_in_page_and_title_name_the_vendor(client, acme):
    response = client.get("/admin/login/")
    page = response.content.decode()
    assert "Sign in to Acme Networks" in page
    assert "Sign in to Wagtail" not in page
    assert title(response).strip().endswith("Acme Networks")


def test_the_admin_pages_carry_the_vendor_name(admin_client, acme):
    response = admin_client.get("/admin/")
    assert title(response).strip().endswith("Acme Networks")


def test_a_primary_colour_too_light_for_white_text_is_refused():
    branding = Branding.load()
    branding.primary_colour = "#ffd54f"
    with pytest.raises(ValidationError) as error:
        branding.full_clean()
    assert "primary_colour" in error.value.message_dict
    assert round(contrast_ratio("#000000", "#ffffff"), 1) == 21.0
