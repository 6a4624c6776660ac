"""Partners register deals in the portal: drafts, submission, the conflict notice that
names no rival, the timeline without staff notes, won and lost, the home card, the
emails; nobody reaches another partner's registration, and other roles see none."""

import datetime as dt
import re
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import formats, timezone, translation

from wagtail.users.models import UserProfile

import lxml.html
import pytest

from partner_portal.deals.models import Deal, DealEvent, LostReason
from partner_portal.deals.services.deals import (
    deal_decide,
    deal_submit,
    deals_remind,
)
from partner_portal.partners.models import Product, Role, Stage
from tests.factories import MembershipFactory, PartnerFactory, StaffFactory

from .factories import draft_deal

pytestmark = pytest.mark.django_db

CONFLICT = (
    "A registration for this customer already exists. "
    "Our channel team will review both and decide."
)


def words(response) -> str:
    """The page's text as a reader sees it, whitespace (no-break too) as one space."""
    return " ".join(lxml.html.fromstring(response.text).text_content().split())


def day(date, language="en") -> str:
    """A date as the pages and emails write it in `language`."""
    with translation.override(language):
        return formats.date_format(
            timezone.localtime(date) if hasattr(date, "hour") else date, "DATE_FORMAT"
        )


def user_of(partner, role=Role.SALES, **fields):
    user_fields = {f"user__{name}": value for name, value in fields.items()}
    return MembershipFactory(partner=partner, role=role, **user_fields).user


def rows(response) -> list:
    return lxml.html.fromstring(response.text).xpath(
        '//table[contains(@class, "deals-table")]/tbody/tr'
    )


def decider(language=""):
    """A program manager who decides deal registrations of every partner."""
    user = StaffFactory(first_name="Dana", last_name="Decider")
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["decide_deal", "view_deal", "view_partner"]
        )
    )
    if language:
        UserProfile.objects.create(user=user, preferred_language=language)
    return user


@pytest.fixture
def firewall():
    return Product.objects.create(name="Firewall", name_zh="防火墙")


@pytest.fixture
def mine():
    return PartnerFactory(name="Mine Ltd", country="DE")


@pytest.fixture
def rival():
    return PartnerFactory(name="Rival Systems GmbH")


def form_data(product, **fields):
    return {
        "customer_name": "ACME, Inc.",
        "customer_domain": "https://www.acme.example/contact",
        "country": "DE",
        "region": "emea",
        "products": [product.pk],
        "estimated_value": "25000.00",
        "currency": "EUR",
        "expected_close_date": (
            timezone.localdate() + dt.timedelta(days=45)
        ).isoformat(),
        "notes": "Replacing their old firewalls in three offices.",
        "contact_name": "Ada Buyer",
        "contact_email": "ada@acme.example",
        "contact_phone": "+49 30 1234567",
        **fields,
    }


def urls_of(deal):
    """Every portal address that shows or changes `deal`."""
    return [
        ("get", reverse("deal-detail", args=[deal.pk])),
        ("get", reverse("deal-edit", args=[deal.pk])),
        ("post", reverse("deal-edit", args=[deal.pk])),
        ("post", reverse("deal-submit", args=[deal.pk])),
        ("post", reverse("deal-won", args=[deal.pk])),
        ("post", reverse("deal-lost", args=[deal.pk])),
    ]


def test_a_partner_never_reaches_another_partners_registration(
    client, mine, rival, firewall
):
    theirs = draft_deal(rival, customer_name="Globex Corporation", products=[firewall])
    client.force_login(user_of(mine))

    home = client.get(reverse("deals-home"))

    assert home.status_code == 200
    assert "Globex" not in home.text
    for method, url in urls_of(theirs):
        response = getattr(client, method)(url, {"final_value": "1"})
        assert response.status_code == 404, url
        assert b"Globex" not in response.content
    theirs.refresh_from_db()
    assert theirs.status == Deal.Status.DRAFT and theirs.final_value is None


@pytest.mark.parametrize("role", [Role.MARKETING, Role.TECHNICAL])
def test_marketing_and_technical_users_see_no_deals(client, mine, firewall, role):
    colleague = user_of(mine, Role.SALES)
    deal = draft_deal(mine, colleague, products=[firewall])
    client.force_login(user_of(mine, role))

    assert client.get(reverse("deals-home")).status_code == 404
    assert client.get(reverse("deal-new")).status_code == 404
    assert client.post(reverse("deal-new"), form_data(firewall)).status_code == 404
    for method, url in urls_of(deal):
        assert getattr(client, method)(url).status_code == 404, url
    home = client.get("/")
    assert reverse("deals-home") not in home.text
    assert "card-deals-title" not in home.text
    assert Deal.objects.count() == 1


@pytest.mark.parametrize("role", [Role.ADMIN, Role.SALES])
def test_partner_admins_and_sales_find_deals_in_the_header(client, mine, role):
    client.force_login(user_of(mine, role))
    home = client.get("/")
    assert f'href="{reverse("deals-home")}"' in home.text
    zh = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "商机报备" in zh.text


def test_a_suspended_partner_loses_its_registrations(client, mine, firewall):
    user = user_of(mine, Role.ADMIN)
    deal = draft_deal(mine, user, products=[firewall])
    mine.stage = Stage.SUSPENDED
    mine.save()
    client.force_login(user)

    assert client.get(reverse("deals-home")).status_code == 404
    assert client.get(reverse("deal-new")).status_code == 404
    for method, url in urls_of(deal):
        assert getattr(client, method)(url).status_code == 404, url


def test_visitors_sign_in_and_staff_have_no_portal_deals(client, mine, firewall):
    deal = draft_deal(mine, products=[firewall])
    response = client.get(reverse("deals-home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    client.force_login(StaffFactory(is_superuser=True))
    assert client.get(reverse("deals-home")).status_code == 404
    assert client.get(reverse("deal-detail", args=[deal.pk])).status_code == 404


def test_a_draft_is_saved_changed_and_then_submitted(
    client, mine, firewall, django_capture_on_commit_callbacks
):
    user = user_of(mine)
    manager = decider()
    client.force_login(user)

    saved = client.post(
        reverse("deal-new"), form_data(firewall, action="save"), follow=True
    )

    deal = Deal.objects.get()
    assert saved.redirect_chain[-1][0] == reverse("deal-detail", args=[deal.pk])
    assert deal.status == Deal.Status.DRAFT and deal.registered_by == user
    assert deal.customer_domain == "acme.example"
    assert list(deal.products.all()) == [firewall]
    assert "Your draft is saved." in saved.text
    assert "This registration is a draft" in saved.text
    listing = client.get(reverse("deals-home"))
    assert "ACME, Inc." in listing.text and "Draft" in listing.text
    assert "25,000.00\N{NO-BREAK SPACE}EUR" in listing.text

    edit = client.get(reverse("deal-edit", args=[deal.pk]))
    assert 'value="ACME, Inc."' in edit.text
    changed = client.post(
        reverse("deal-edit", args=[deal.pk]),
        form_data(firewall, estimated_value="30000", action="save"),
    )
    assert changed.status_code == 302
    deal.refresh_from_db()
    assert deal.estimated_value == Decimal("30000.00")

    with django_capture_on_commit_callbacks(execute=True):
        submitted = client.post(reverse("deal-submit", args=[deal.pk]), follow=True)

    deal.refresh_from_db()
    assert deal.status == Deal.Status.SUBMITTED and deal.conflict is False
    due = day(deal.decision_due)
    assert (
        f"Your registration is submitted. Our channel team will decide by {due}"
        in words(submitted)
    )
    assert CONFLICT not in submitted.text
    assert [m.to for m in mail.outbox] == [[manager.email]]
    # A submitted registration no longer changes.
    again = client.get(reverse("deal-edit", args=[deal.pk]), follow=True)
    assert "only a draft can be changed" in again.text
    late = client.post(
        reverse("deal-edit", args=[deal.pk]),
        form_data(firewall, customer_name="Someone Else", action="save"),
    )
    assert late.status_code == 302
    deal.refresh_from_db()
    assert deal.customer_name == "ACME, Inc."


def test_submit_for_approval_from_the_form_saves_and_submits_at_once(
    client, mine, firewall
):
    client.force_login(user_of(mine))

    response = client.post(reverse("deal-new"), form_data(firewall, action="submit"))

    deal = Deal.objects.get()
    assert response.status_code == 302
    assert deal.status == Deal.Status.SUBMITTED
    assert list(deal.events.values_list("action", flat=True)) == [
        DealEvent.Action.CREATED,
        DealEvent.Action.SUBMITTED,
    ]


# (field, value typed, the English message, the Chinese one)
BAD_INPUT = [
    ("customer_name", " ", "This field is required.", "必需字段"),
    (
        "customer_name",
        "...",
        "Enter the customer's name in letters or digits.",
        "请用文字或数字填写客户名称。",
    ),
    (
        "customer_domain",
        "acme example",
        "Enter a web domain such as acme.com, without spaces.",
        "请填写网站域名，例如 acme.com，不含空格。",  # noqa: RUF001
    ),
    ("products", [], "Choose at least one product.", "请至少选择一个产品。"),
    (
        "estimated_value",
        "0",
        "Enter an estimated value above zero.",
        "预估金额须大于零。",
    ),
    ("estimated_value", "lots", "Enter a number.", "输入一个数字。"),
    ("currency", "XYZ", "Select a valid choice.", "选择一个有效的选项。"),
    ("country", "", "This field is required.", "必需字段"),
    (
        "expected_close_date",
        "2020-01-31",
        "The expected close date must be today or later.",
        "预计成交日期不能早于今天。",
    ),
    (
        "contact_email",
        "ada@",
        "Enter a valid email address.",
        "请输入合法的邮件地址。",
    ),
]


@pytest.mark.parametrize(("field", "value", "message", "chinese"), BAD_INPUT)
def test_bad_input_is_refused_with_a_message_in_both_languages(
    client, mine, firewall, field, value, message, chinese
):
    client.force_login(user_of(mine))
    data = form_data(firewall, action="submit", **{field: value})

    english = client.post(reverse("deal-new"), data)
    zh = client.post(reverse("deal-new"), data, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert english.status_code == zh.status_code == 400
    assert message in words(english)
    assert chinese in words(zh)
    # The summary links to the field, so a keyboard user reaches it at once.
    assert re.search(rf'href="#id_{field}(_0)?"', english.text)
    assert 'aria-invalid="true"' in english.text or field == "products"
    assert not Deal.objects.exists()


def test_a_draft_whose_close_date_passed_is_sent_back_to_the_form(
    client, mine, firewall
):
    user = user_of(mine)
    deal = draft_deal(mine, user, products=[firewall])
    Deal.objects.filter(pk=deal.pk).update(expected_close_date=dt.date(2020, 1, 31))
    client.force_login(user)

    response = client.post(reverse("deal-submit", args=[deal.pk]))

    assert response.status_code == 400
    assert "The expected close date must be today or later." in response.text
    assert reverse("deal-edit", args=[deal.pk]) in response.text
    deal.refresh_from_db()
    assert deal.status == Deal.Status.DRAFT


def test_the_form_offers_the_partners_country_and_usual_currency(
    client, mine, firewall
):
    user = user_of(mine)
    client.force_login(user)
    first = lxml.html.fromstring(client.get(reverse("deal-new")).text)
    assert first.xpath('//select[@name="country"]/option[@selected]/@value') == ["DE"]
    assert first.xpath('//select[@name="currency"]/option[@selected]/@value') == ["USD"]
    assert "Germany (DE)" in first.xpath('//select[@name="country"]')[0].text_content()

    draft_deal(mine, user, currency="CNY", products=[firewall])
    later = lxml.html.fromstring(client.get(reverse("deal-new")).text)
    assert later.xpath('//select[@name="currency"]/option[@selected]/@value') == ["CNY"]


def test_the_registrants_conflict_notice_names_no_rival(
    client, mine, rival, firewall, django_capture_on_commit_callbacks
):
    # The rival's registration gets an id no page could show by chance.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('deals_deal', 'id'), 987122)"
        )
    rival_user = user_of(rival, first_name="Rhea", last_name="Rivalsdottir")
    theirs = deal_submit(
        deal=draft_deal(
            rival,
            rival_user,
            customer_name="ACME Incorporated",
            customer_domain="acme.example",
            estimated_value=Decimal("987654.32"),
            currency="USD",
            products=[firewall],
        ),
        by=rival_user,
    )
    assert theirs.pk == 987123
    client.force_login(user_of(mine))

    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            reverse("deal-new"),
            form_data(firewall, customer_name="acme inc", action="submit"),
            follow=True,
        )

    deal = Deal.objects.get(partner=mine)
    assert deal.conflict is True
    assert words(answer).count(CONFLICT) == 1
    assert "Your registration is submitted." in words(answer)
    pages = [
        answer,
        client.get(reverse("deal-detail", args=[deal.pk])),
        client.get(reverse("deals-home")),
        client.get(reverse("deals-home"), {"status": "submitted"}),
        client.get("/"),
        client.get(
            reverse("deal-detail", args=[deal.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
        ),
    ]
    for page in pages:
        assert page.status_code == 200
        for secret in (
            "Rival",
            "Rhea",
            rival_user.username,
            rival.external_id,
            "ACME Incorporated",
            "987654",
            "987,654",
            "987123",
            "USD",
        ):
            assert secret not in page.text, secret
    zh = pages[-1]
    assert "该客户已有一份报备。渠道团队将审核双方的报备并作出决定。" in zh.text
    # Once decided, the notice gives way to the decision.
    deal_decide(deal=deal, by=decider(), decision="approve")
    assert CONFLICT not in client.get(reverse("deal-detail", args=[deal.pk])).text


def test_the_timeline_shows_reasons_and_never_staff_notes(
    client, mine, firewall, django_capture_on_commit_callbacks
):
    user = user_of(mine, first_name="Sam", last_name="Seller")
    deal = deal_submit(deal=draft_deal(mine, user, products=[firewall]), by=user)
    staff = decider()
    with django_capture_on_commit_callbacks(execute=True):
        deal_decide(
            deal=deal,
            by=staff,
            decision="reject",
            reason="The customer buys from us directly.",
            note="Second weak registration from them this quarter.",
        )
    client.force_login(user)

    page = client.get(reverse("deal-detail", args=[deal.pk]))
    text = words(page)

    assert "Not approved" in text
    assert "The customer buys from us directly." in text
    assert "Second weak registration" not in page.text
    assert "Dana" not in page.text and "Decider" not in page.text
    assert "Vendor team" in text and "You" in text
    actions = lxml.html.fromstring(page.text).xpath(
        '//li[contains(@class, "timeline-item")]//strong/text()'
    )
    assert actions == ["Saved as a draft", "Submitted", "Rejected"]
    [decided] = mail.outbox
    assert decided.to == [user.email]
    assert decided.subject == "Your deal registration for ACME, Inc. was not approved"
    assert "The customer buys from us directly." in decided.body
    assert "Second weak" not in decided.body
    assert reverse("deal-detail", args=[deal.pk]) in decided.body


def test_an_approved_deal_shows_its_window_and_is_reported_won(client, mine, firewall):
    user = user_of(mine)
    deal = deal_submit(deal=draft_deal(mine, user, products=[firewall]), by=user)
    deal_decide(deal=deal, by=decider(), decision="approve", reason="Go for it.")
    deal.refresh_from_db()
    client.force_login(user)
    url = reverse("deal-detail", args=[deal.pk])

    page = words(client.get(url))
    assert (
        f"Protected until {day(deal.protected_until)}" in page
        and "90 days left" in page
    )
    assert "Our channel team wrote: Go for it." in page

    for value, message in [
        ("", "Enter the deal's final value."),
        ("-5", "Ensure this value is greater than or equal to 0."),
        ("12.345", "Ensure that there are no more than 2 decimal places."),
    ]:
        refused = client.post(
            reverse("deal-won", args=[deal.pk]), {"final_value": value}
        )
        assert refused.status_code == 400
        assert message in words(refused)
    deal.refresh_from_db()
    assert deal.status == Deal.Status.APPROVED

    won = client.post(
        reverse("deal-won", args=[deal.pk]), {"final_value": "27500.50"}, follow=True
    )
    deal.refresh_from_db()
    assert deal.status == Deal.Status.WON and deal.final_value == Decimal("27500.50")
    assert "27,500.50\N{NO-BREAK SPACE}EUR" in won.text
    assert "Report it won" not in won.text
    # Reported once: a second report is refused, in words.
    reason = LostReason.objects.first().pk
    twice = client.post(reverse("deal-lost", args=[deal.pk]), {"lost_reason": reason})
    assert twice.status_code == 400
    assert "This registration is won; it cannot be changed that way." in words(twice)


def test_a_lost_deal_needs_a_reason_from_the_list_named_in_chinese(
    client, mine, firewall
):
    user = user_of(mine)
    deal = deal_submit(deal=draft_deal(mine, user, products=[firewall]), by=user)
    deal_decide(deal=deal, by=decider(), decision="approve")
    client.force_login(user)
    competitor = LostReason.objects.get(name="Chose a competitor")
    retired = LostReason.objects.create(name="Old reason", active=False)

    page = client.get(
        reverse("deal-detail", args=[deal.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert "客户选择了竞争对手" in page.text and "Old reason" not in page.text
    refused = client.post(
        reverse("deal-lost", args=[deal.pk]), {}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert refused.status_code == 400 and "请选择丢单原因。" in refused.text
    retired_refused = client.post(
        reverse("deal-lost", args=[deal.pk]), {"lost_reason": retired.pk}
    )
    assert retired_refused.status_code == 400

    lost = client.post(
        reverse("deal-lost", args=[deal.pk]),
        {"lost_reason": competitor.pk, "reason": "They picked a cheaper box."},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
        follow=True,
    )
    deal.refresh_from_db()
    assert deal.status == Deal.Status.LOST and deal.lost_reason == competitor
    assert (
        "客户选择了竞争对手" in lost.text and "They picked a cheaper box." in lost.text
    )


def test_only_an_approved_deal_is_reported_won_or_lost(client, mine, firewall):
    user = user_of(mine)
    deal = draft_deal(mine, user, products=[firewall])
    client.force_login(user)

    response = client.post(reverse("deal-won", args=[deal.pk]), {"final_value": "10"})

    assert response.status_code == 400
    assert "it cannot be changed that way" in response.text
    deal.refresh_from_db()
    assert deal.status == Deal.Status.DRAFT


def test_the_list_filters_by_status_and_pages_25_at_a_time(
    client, mine, firewall, django_assert_max_num_queries
):
    user = user_of(mine)
    for number in range(27):
        draft_deal(
            mine, user, customer_name=f"Customer {number:02d}", products=[firewall]
        )
    submitted = deal_submit(
        deal=draft_deal(mine, user, customer_name="Submitted Co", products=[firewall]),
        by=user,
    )
    client.force_login(user)

    with django_assert_max_num_queries(12):
        first = client.get(reverse("deals-home"))
    assert len(rows(first)) == 25
    assert "Page 1 of 2" in first.text
    second = client.get(reverse("deals-home"), {"page": 2})
    assert len(rows(second)) == 3
    only = client.get(reverse("deals-home"), {"status": "submitted"})
    assert [row.xpath(".//a/text()")[0] for row in rows(only)] == [
        submitted.customer_name
    ]
    filters = words(only)
    assert (
        "All 28" in filters
        and "Draft 27" in filters
        and "Awaiting decision 1" in filters
    )
    nothing = client.get(reverse("deals-home"), {"status": "won"})
    assert "None of your registrations has this status." in nothing.text


def test_an_empty_list_invites_the_first_registration(client, mine):
    client.force_login(user_of(mine))
    page = client.get(reverse("deals-home"))
    assert "Register your first deal" in page.text
    assert reverse("deal-new") in page.text
    zh = client.get(reverse("deals-home"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "报备您的第一个商机" in zh.text


def test_the_home_card_lists_drafts_and_windows_ending_soon(client, mine, firewall):
    user = user_of(mine)
    client.force_login(user)
    assert "card-deals-title" not in client.get("/").text

    draft = draft_deal(mine, user, customer_name="Draft Co", products=[firewall])
    staff = decider()
    ending, later = (
        deal_submit(
            deal=draft_deal(mine, user, customer_name=name, products=[firewall]),
            by=user,
        )
        for name in ("Ending Co", "Later Co")
    )
    for deal in (ending, later):
        deal_decide(deal=deal, by=staff, decision="approve")
    today = timezone.localdate()
    Deal.objects.filter(pk=ending.pk).update(
        protected_until=today + dt.timedelta(days=3)
    )

    [card] = lxml.html.fromstring(client.get("/").text).xpath(
        '//section[contains(@class, "deals-card")]'
    )
    text = " ".join(card.text_content().split())
    links = card.xpath(".//a/@href")

    assert reverse("deal-detail", args=[draft.pk]) in links
    assert reverse("deal-detail", args=[ending.pk]) in links
    assert reverse("deal-detail", args=[later.pk]) not in links
    assert "Ending Co 3 days left" in text and "Draft Co" in text
    zh = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").text
    assert "待提交的草稿" in zh and "剩余 3 天" in zh


def test_the_pages_read_in_chinese(client, mine, firewall):
    user = user_of(mine)
    deal = deal_submit(
        deal=draft_deal(mine, user, country="CN", products=[firewall]), by=user
    )
    deal_decide(deal=deal, by=decider(), decision="approve")
    client.force_login(user)

    home = client.get(reverse("deals-home"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    new = client.get(reverse("deal-new"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    detail = client.get(
        reverse("deal-detail", args=[deal.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert "商机报备" in home.text and "已批准" in home.text and "保护期至" in home.text
    assert (
        "客户名称" in new.text and "防火墙" in new.text and "Firewall" not in new.text
    )
    assert "CN · 中国" in new.text and "保存草稿" in new.text and "提交审批" in new.text
    assert "中国" in words(detail) and "渠道团队" in detail.text
    assert "剩余 90 天" in detail.text and "报告赢单" in detail.text


def test_the_emails_go_out_in_each_readers_language(
    client, mine, firewall, django_capture_on_commit_callbacks
):
    user = user_of(mine)
    UserProfile.objects.create(user=user, preferred_language="zh-hans")
    chinese_manager = decider(language="zh-hans")
    english_manager = decider()
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("deal-new"), form_data(firewall, action="submit"))

    deal = Deal.objects.get()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [chinese_manager.email, english_manager.email]
    )
    english = next(m for m in mail.outbox if m.to == [english_manager.email])
    assert english.subject == "Mine Ltd registered a deal for ACME, Inc."
    assert (
        "25,000.00\N{NO-BREAK SPACE}EUR" in english.body and "Firewall" in english.body
    )
    assert reverse("deals_admin:decide", args=[deal.pk]) in english.body
    chinese = next(m for m in mail.outbox if m.to == [chinese_manager.email])
    assert "Mine Ltd" in chinese.subject and "商机报备" in chinese.subject
    assert "防火墙" in chinese.body and "德国" in chinese.body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        deal_decide(
            deal=deal,
            by=english_manager,
            decision="approve",
            note="Watch their close rate.",
        )
    deal.refresh_from_db()
    [approved] = mail.outbox
    assert approved.to == [user.email]
    assert "已批准" in approved.subject
    until = day(deal.protected_until, "zh-hans")
    assert until in approved.body
    assert "Watch their close rate." not in approved.body

    mail.outbox.clear()
    ends = timezone.localdate() + dt.timedelta(days=14)
    Deal.objects.filter(pk=deal.pk).update(protected_until=ends)
    until = day(ends, "zh-hans")
    with django_capture_on_commit_callbacks(execute=True):
        reminded = deals_remind()
    assert reminded == 1
    [reminder] = mail.outbox
    assert reminder.to == [user.email]
    assert "14 天" in reminder.subject and until in reminder.body
    assert reverse("deal-detail", args=[deal.pk]) in reminder.body


def test_the_approval_email_in_english_gives_the_window(
    mine, firewall, django_capture_on_commit_callbacks
):
    user = user_of(mine)
    deal = deal_submit(deal=draft_deal(mine, user, products=[firewall]), by=user)
    with django_capture_on_commit_callbacks(execute=True):
        deal_decide(deal=deal, by=decider(), decision="approve", reason="Good find.")
    deal.refresh_from_db()

    [approved] = mail.outbox
    until = day(deal.protected_until)
    assert approved.subject == "Your deal registration for ACME, Inc. is approved"
    assert f"protected as yours until {until}" in " ".join(approved.body.split())
    assert "Good find." in approved.body
