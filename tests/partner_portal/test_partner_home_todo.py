"""The partner home is a to-do list first: every app's actions for the user, each
linking to the page where it is done and only when the user may open that page;
a to-do leaves once done; then the state (the tier's gap in words), then the news.
Announcements follow the access rule everywhere (home, list, detail, search)."""

import datetime as dt
import uuid

from django.urls import reverse
from django.utils import timezone, translation

from wagtail.models import Site

import lxml.html
import pytest

from learning.models import (
    Certification,
    CertificationAward,
    CourseIndexPage,
    CoursePage,
    Enrolment,
)
from partner_portal.partners.models import AccessLevel, Role, Stage, Tier
from partner_portal.resources.models import AnnouncementPage, AssetPage, PolicyPage
from partner_portal.resources.services import policy_acknowledge
from partner_portal.support.models import Survey, SurveyInvitation, Ticket
from partner_portal.support.services.surveys import survey_answer, survey_send
from partner_portal.support.services.tickets import ticket_reply
from search.client import get_client
from search.index import alias_name, rebuild
from tests.factories import MembershipFactory, PartnerFactory, StaffFactory, tier
from tests.search.conftest import library_with_assets

from .support.portal_helpers import agent, open_ticket
from .support.test_home_cards import announce, policy, publish

pytestmark = pytest.mark.django_db


def todos(response) -> list[tuple[str, str]]:
    """(text, link) of each item of the home's "To do" block."""
    page = lxml.html.fromstring(response.text)
    (block,) = page.xpath('//section[h2[normalize-space()="To do"]]')
    return [
        (" ".join(item.text_content().split()), item.xpath(".//a/@href")[0])
        for item in block.xpath(".//li")
    ]


def words(response) -> str:
    """The page's text as a reader sees it (search marks the words it matched)."""
    return " ".join(lxml.html.fromstring(response.text).text_content().split())


def course(index, code, **access):
    page = CoursePage(
        title=f"Course {code}",
        slug=code,
        code=code,
        summary="A course.",
        access_level=access.pop("access_level", AccessLevel.PARTNER),
        **access,
    )
    index.add_child(instance=page)
    return publish(page)


@pytest.fixture
def gold_admin():
    """A gold partner's admin with something to do in every app that has one."""
    partner = PartnerFactory(tier=tier("gold"))
    user = MembershipFactory(partner=partner, role=Role.ADMIN).user
    root = Site.objects.get(is_default_site=True).root_page
    index = CourseIndexPage(title="Academy", slug="academy-todo")
    root.add_child(instance=index)
    started = course(index, "sec-201")
    Enrolment.objects.create(user=user, partner=partner, course=started)
    # Above gold: an enrolment left from a time the course was open to the partner
    # is no to-do, since the course page would answer 404.
    hidden = course(
        index, "plat-301", access_level=AccessLevel.TIER, min_tier=tier("platinum")
    )
    Enrolment.objects.create(user=user, partner=partner, course=hidden)
    certification = Certification.objects.create(code="sec", name="Security Pro")
    today = timezone.localdate()
    CertificationAward.objects.create(
        user=user,
        partner=partner,
        certification=certification,
        issued_at=today - dt.timedelta(days=700),
        expires_at=today + dt.timedelta(days=12),
    )
    policy("Code of conduct")
    survey = Survey.objects.create(title="Quarterly pulse")
    survey_send(survey=survey, by=StaffFactory())
    waiting = open_ticket(partner, user, subject="Rack kit missing")
    ticket_reply(ticket=waiting, by=agent(), body="Which parcel?", waiting=True)
    return user


def test_a_gold_admin_sees_each_apps_to_do_with_its_link(client, gold_admin):
    client.force_login(gold_admin)
    home = client.get("/")
    items = dict(todos(home))
    started = CoursePage.objects.get(code="sec-201")
    assert items["Continue the course “Course sec-201”."] == started.url
    assert "Course plat-301" not in home.text
    (renew,) = [text for text in items if text.startswith("Renew")]
    assert "“Security Pro”" in renew
    assert items[renew] == reverse("learning-home")
    (acknowledge,) = [text for text in items if "Code of conduct" in text]
    assert acknowledge == "Read and acknowledge the policy “Code of conduct”."
    survey = Survey.objects.get()
    assert items["Answer the survey “Quarterly pulse”."] == reverse(
        "survey-answer", args=[survey.pk]
    )
    (ticket,) = [link for text, link in items.items() if "Rack kit missing" in text]
    # Every link opens for the user: the to-do follows the page's own policy.
    for link in items.values():
        assert client.get(link).status_code == 200, link
    assert ticket.startswith("/support/")


def test_a_chinese_users_to_dos_name_pages_in_chinese(client, gold_admin):
    from partner_portal.page_languages import translation_publish

    started = CoursePage.objects.get(code="sec-201")
    translation_publish(started.get_parent(), "zh-hans", title="学院")
    translation_publish(started, "zh-hans", title="安全入门")
    translation_publish(PolicyPage.objects.get(), "zh-hans", title="行为准则")
    client.force_login(gold_admin)
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    chinese = " ".join(lxml.html.fromstring(home.text).text_content().split())
    assert "“安全入门”" in chinese
    assert "“行为准则”" in chinese
    assert "Course sec-201" not in chinese


def test_a_to_do_leaves_once_done_and_an_empty_list_says_so(client, gold_admin):
    client.force_login(gold_admin)
    assert len(todos(client.get("/"))) == 5

    policy_acknowledge(policy=PolicyPage.objects.get(), user=gold_admin)
    Enrolment.objects.filter(user=gold_admin).update(completed_at=timezone.now())
    # Renewed: a later award of the same certification.
    award = CertificationAward.objects.get(user=gold_admin)
    CertificationAward.objects.create(
        user=gold_admin,
        partner=award.partner,
        certification=award.certification,
        issued_at=timezone.localdate(),
        expires_at=timezone.localdate() + dt.timedelta(days=730),
    )
    survey_answer(
        invitation=SurveyInvitation.objects.get(user=gold_admin), by=gold_admin, score=9
    )
    ticket = Ticket.objects.get(subject="Rack kit missing")
    ticket_reply(ticket=ticket, by=gold_admin, body="The second parcel.")

    home = client.get("/")
    assert todos(home) == []
    block = lxml.html.fromstring(home.text).xpath(
        '//section[h2[normalize-space()="To do"]]'
    )[0]
    assert "Nothing to do right now: you are all caught up." in block.text_content()


def test_an_onboarding_partners_admin_is_asked_to_finish_the_steps(client):
    from partner_portal.partners.models import OnboardingStep

    step = OnboardingStep.objects.create(
        title="Complete your profile", kind=OnboardingStep.Kind.COMPLETE_PROFILE
    )
    partner = PartnerFactory(tier=tier("registered"), stage=Stage.ONBOARDING)
    admin = MembershipFactory(partner=partner, role=Role.ADMIN).user
    sales = MembershipFactory(partner=partner, role=Role.SALES).user
    client.force_login(admin)
    expected = ("Finish onboarding: Complete your profile.", reverse("company-profile"))
    assert expected in todos(client.get("/"))
    # Only the partner's admin may complete the profile, so only they are asked.
    client.force_login(sales)
    assert not any(step.title in text for text, _link in todos(client.get("/")))


def test_the_tier_card_words_the_gap_to_the_next_tier(client, gold_admin):
    Tier.objects.filter(code="platinum").update(
        min_certified_users=3, required_certification=""
    )
    client.force_login(gold_admin)
    home = lxml.html.fromstring(client.get("/").text)
    (gap,) = home.xpath('//p[@class="tier-gap"]')
    # The award expiring in 12 days is active today: one of the three.
    assert gap.text_content() == "2 more certified users to reach Platinum."


def test_the_home_reads_in_chinese(client, gold_admin):
    client.force_login(gold_admin)
    with translation.override("zh-hans"):
        home = client.get("/", headers={"accept-language": "zh-hans"})
    page = lxml.html.fromstring(home.text)
    (block,) = page.xpath('//section[@class="card home-todo"]')
    text = " ".join(block.text_content().split())
    assert text.startswith("待办")
    assert "继续学习课程“Course sec-201”。" in text
    assert "To do" not in home.text


@pytest.fixture
def announcements():
    """A Partner-level announcement, and one for Gold and above, sharing a word."""
    partner_wide = announce("Partner summit zebrafinch")
    gold = announce(
        "Gold rebate preview zebrafinch",
        access_level=AccessLevel.TIER,
        min_tier=tier("gold"),
    )
    return partner_wide, gold


def test_an_announcement_above_the_tier_is_never_shown(client, announcements, settings):
    settings.ELASTICSEARCH_INDEX_PREFIX = f"cplms-test-{uuid.uuid4().hex[:8]}"
    rebuild()
    # Searchable once the node refreshed the new index.
    get_client().indices.refresh(index=alias_name())
    _partner_wide, gold = announcements
    try:
        registered = MembershipFactory(partner__tier=tier("registered")).user
        client.force_login(registered)
        home, listing = client.get("/"), client.get(reverse("announcements"))
        found = client.get(reverse("search"), {"q": "zebrafinch"})
        for name, page in (("home", home), ("list", listing), ("search", found)):
            assert "Partner summit zebrafinch" in words(page), name
            assert "Gold rebate preview" not in page.text, name
        assert client.get(gold.url).status_code == 404

        client.force_login(MembershipFactory(partner__tier=tier("gold")).user)
        for url in ("/", reverse("announcements"), gold.url):
            assert "Gold rebate preview" in client.get(url).text
        found = client.get(reverse("search"), {"q": "zebrafinch"})
        assert "Gold rebate preview" in words(found)
    finally:
        get_client().indices.delete(
            index=f"{settings.ELASTICSEARCH_INDEX_PREFIX}-*", ignore_unavailable=True
        )


def test_an_announcement_links_to_its_page_for_those_who_may_open_it(client):
    library = library_with_assets(0)
    asset = AssetPage(
        title="Gold price list",
        slug="gold-price-list",
        asset_type="brochure",
        access_level=AccessLevel.TIER,
        min_tier=tier("gold"),
    )
    library.add_child(instance=asset)
    publish(asset)
    news = announce("New price list")
    AnnouncementPage.objects.filter(pk=news.pk).update(announced_page=asset)

    client.force_login(MembershipFactory(partner__tier=tier("gold")).user)
    page = lxml.html.fromstring(client.get(news.url).text)
    assert page.xpath('//a[normalize-space()="Open “Gold price list”"]/@href') == [
        asset.url
    ]
    # A Silver partner reads the news but gets no link to a page that is not theirs.
    client.force_login(MembershipFactory(partner__tier=tier("silver")).user)
    response = client.get(news.url)
    assert response.status_code == 200
    assert "Gold price list" not in response.text
