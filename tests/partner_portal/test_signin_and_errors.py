"""A signed-out visitor is sent to sign in and back; a tier-restricted item still
answers 404; a suspended partner's users get a page that says so and whom to
contact; the 404 and 500 pages are the portal's own, in both languages."""

from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from wagtail.models import Site

import lxml.html
import pytest

from learning.models import CourseIndexPage, CoursePage
from partner_portal.partners.models import AccessLevel, Role, Stage
from tests.factories import MembershipFactory, PartnerFactory, StaffFactory, tier

pytestmark = pytest.mark.django_db


@pytest.fixture
def academy():
    root = Site.objects.get(is_default_site=True).root_page
    index = CourseIndexPage(
        title="Academy", slug="academy-x", access_level=AccessLevel.PARTNER
    )
    root.add_child(instance=index)
    index.save_revision().publish()
    gold = CoursePage(
        title="Gold only course",
        slug="gold-only",
        code="gold-only",
        summary="For Gold.",
        access_level=AccessLevel.TIER,
        min_tier=tier("gold"),
    )
    index.add_child(instance=gold)
    gold.save_revision().publish()
    return index, gold


def test_a_signed_out_visitor_signs_in_and_comes_back(client, academy):
    index, _gold = academy
    for url in (index.url, reverse("sales-list"), reverse("company-profile")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{reverse('login')}?next={url}", url
    user = MembershipFactory(partner__tier=tier("registered"), role=Role.ADMIN).user
    user.set_password("a-long-passphrase")
    user.save()
    signed_in = client.post(
        f"{reverse('login')}?next={index.url}",
        {"username": user.username, "password": "a-long-passphrase", "next": index.url},
    )
    assert signed_in.status_code == 302
    assert signed_in["Location"] == index.url
    assert client.get(index.url).status_code == 200


def test_a_tier_restricted_item_still_answers_404(client, academy):
    _index, gold = academy
    # Signed out, the visitor is not asked to sign in for what few partners may see.
    response = client.get(gold.url)
    assert response.status_code == 404
    assert "Gold only course" not in response.text
    client.force_login(MembershipFactory(partner__tier=tier("silver")).user)
    response = client.get(gold.url)
    assert response.status_code == 404
    assert "Gold only course" not in response.text


def test_a_suspended_partners_user_is_told_whom_to_contact(client, academy):
    index, _gold = academy
    manager = StaffFactory(first_name="Mei", last_name="Chen", email="mei@vendor.test")
    partner = PartnerFactory(
        tier=tier("gold"), stage=Stage.SUSPENDED, account_manager=manager
    )
    client.force_login(MembershipFactory(partner=partner).user)
    home = client.get("/")
    page = lxml.html.fromstring(home.text)
    assert page.xpath("//h1")[0].text_content() == "Your partner access is suspended"
    main = " ".join(page.xpath("//main")[0].text_content().split())
    assert "contact your channel account manager" in main
    assert "mei@vendor.test" in main
    # The header leads nowhere they cannot open.
    nav = page.xpath('//nav[@class="section-nav"]//a/@href')
    assert nav == [reverse("portal-home")]
    assert client.get(index.url).status_code == 404


@pytest.mark.parametrize(
    ("language", "title"), [("en", "Page not found"), ("zh-hans", "页面未找到")]
)
def test_the_404_page_is_the_portals_own_in_each_language(
    client, settings, language, title
):
    settings.DEBUG = False
    response = client.get("/no-such-page/", headers={"accept-language": language})
    assert response.status_code == 404
    page = lxml.html.fromstring(response.text)
    assert page.xpath("//h1")[0].text_content() == title
    assert page.xpath('//link[@rel="stylesheet"]/@href')
    assert "Traceback" not in response.text


def test_the_500_page_is_styled_and_in_both_languages(settings):
    settings.DEBUG = False
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = lxml.html.fromstring(response.content.decode())
    assert page.xpath('//link[@rel="stylesheet"]/@href')
    assert "Something went wrong" in page.text_content()
    (chinese,) = page.xpath('//h2[@lang="zh-Hans"]')
    assert chinese.text_content() == "出错了"
