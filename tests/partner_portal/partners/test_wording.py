"""Chinese that reads native: names in their culture's order, stored names in the
page's language, numbers and dates as each language writes them."""

import datetime
from decimal import Decimal

from django.utils import translation
from django.utils.formats import date_format, number_format

import pytest

from partner_portal.partners.forms import ApplicationForm
from partner_portal.partners.models import Specialisation, Stage, Tier
from partner_portal.partners.tier_evaluation import RequirementResult
from partner_portal.partners.views.company import InviteForm
from partner_portal.partners.wording import person_name
from tests.factories import StaffFactory


def test_a_chinese_name_is_family_name_first_without_a_space():
    assert person_name("伟", "李") == "李伟"
    assert person_name("Wei", "Li") == "Wei Li"
    assert person_name("Anna", "") == "Anna"


def test_a_user_is_named_in_the_names_order_in_either_language(db):
    chinese = StaffFactory(first_name="伟", last_name="李")
    western = StaffFactory(first_name="Anna", last_name="Schmidt")
    for language in ("en", "zh-hans"):
        with translation.override(language):
            assert chinese.get_full_name() == "李伟"
            assert western.get_full_name() == "Anna Schmidt"


def test_the_home_welcomes_a_chinese_name_family_name_first(client, partner_user_at):
    user = partner_user_at("gold", Stage.ACTIVE)
    user.first_name, user.last_name = "伟", "李"
    user.save()
    client.force_login(user)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "欢迎，李伟" in response.text  # noqa: RUF001
    assert "伟 李" not in response.text


@pytest.mark.parametrize(
    "form_class, given, family",
    [
        (InviteForm, "first_name", "last_name"),
        (ApplicationForm, "contact_first_name", "contact_last_name"),
    ],
)
def test_chinese_forms_ask_for_the_family_name_first(db, form_class, given, family):
    with translation.override("zh-hans"):
        order = list(form_class().fields)
        assert order.index(family) == order.index(given) - 1
        assert str(form_class().fields[family].label).startswith("姓")
    with translation.override("en"):
        order = list(form_class().fields)
        assert order.index(given) == order.index(family) - 1


def test_the_default_tiers_have_chinese_names_shown_on_chinese_pages(db):
    gold = Tier.objects.get(code="gold")
    with translation.override("zh-hans"):
        assert [str(t) for t in Tier.objects.all()] == ["注册", "银牌", "金牌", "白金"]
    with translation.override("en"):
        assert str(gold) == "Gold"


def test_a_stored_name_without_a_chinese_one_keeps_its_english_name(db):
    named = Specialisation.objects.create(name="Edge", name_zh="边缘计算")
    unnamed = Specialisation.objects.create(name="Storage")
    with translation.override("zh-hans"):
        assert (str(named), str(unnamed)) == ("边缘计算", "Storage")


def test_requirement_figures_are_grouped_in_both_languages():
    row = RequirementResult(
        "platinum", "Revenue", "750000.00", "0.00", met=False, kind="revenue"
    )
    for language in ("en", "zh-hans"):
        with translation.override(language):
            assert row.required_shown == "750,000.00"
            assert number_format(Decimal("621900.00"), force_grouping=True) == (
                "621,900.00"
            )


def test_a_written_out_date_reads_as_chinese_writes_it():
    day = datetime.date(2026, 12, 1)
    with translation.override("zh-hans"):
        assert date_format(day, "DATE_FORMAT") == "2026年12月1日"
    with translation.override("en"):
        assert date_format(day, "DATE_FORMAT") == "Dec. 1, 2026"


def test_emails_greet_a_chinese_name_whole_and_a_western_one_by_given_name(db):
    assert StaffFactory(first_name="伟", last_name="李").get_short_name() == "李伟"
    assert StaffFactory(first_name="Anna", last_name="Schmidt").get_short_name() == (
        "Anna"
    )
