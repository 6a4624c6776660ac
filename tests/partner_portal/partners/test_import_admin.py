"""The admin import: upload, preview every row's outcome, confirm."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from partner_portal.imports.uploads import SESSION_KEY
from partner_portal.partners.models import Partner, User
from tests.chinese_files import (
    NAMES,
    PARTNER_REQUIRED_HEADER,
    chinese_partners_csv,
    each_case,
    excel_csv,
)
from tests.factories import PartnerFactory, StaffFactory, staff_with_permissions, tier

PARTNER_HEADER = (
    "external_id,name,legal_name,country,region,partner_type,tier,stage,"
    "joined_on,account_manager_email,email_domain"
)
GOOD = [
    PARTNER_HEADER,
    "W-1,Renamed Partner,,DE,emea,reseller,registered,active,,,",
    "W-2,华东渠道科技,,CN,greater_china,distributor,gold,onboarding,,,",
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def program_manager(db):
    return staff_with_permissions(
        "add_partner",
        "change_partner",
        "view_partner",
        "add_partnermembership",
        "change_partnermembership",
        "view_partnermembership",
        username="pm.admin",
    )


def upload(client, lines, *, url_name="partner_import:upload", name="partners.csv"):
    data = ("\n".join(lines) + "\n").encode("gb18030")
    return client.post(
        reverse(url_name), {"file": SimpleUploadedFile(name, data)}, follow=False
    )


def stored_files(media):
    folder = media / "imports"
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def test_upload_preview_confirm_writes_the_partners(client, program_manager, media):
    PartnerFactory(external_id="W-1", name="Old Partner")
    client.force_login(program_manager)
    assert client.get(reverse("partner_import:upload")).status_code == 200

    uploaded = upload(client, GOOD)

    assert uploaded.status_code == 302
    token = next(iter(client.session[SESSION_KEY]))
    assert uploaded.url == reverse("partner_import:preview", args=[token])
    assert stored_files(media) == [f"{token}.csv"]

    preview = client.get(uploaded.url)

    assert preview.status_code == 200
    rows = [(row.row, row.key, row.outcome) for row in preview.context["report"].rows]
    assert rows == [(2, "W-1", "updated"), (3, "W-2", "created")]
    assert 'data-row="2" data-outcome="updated"' in preview.text
    assert "华东渠道科技" in preview.text
    assert "These columns change: name, legal_name." in preview.text
    assert 'name="confirm"' in preview.text
    assert Partner.objects.get(external_id="W-1").name == "Old Partner"
    assert not Partner.objects.filter(external_id="W-2").exists()

    confirmed = client.post(uploaded.url, {"confirm": ""})

    assert confirmed.status_code == 302
    assert confirmed.url == reverse("partner:index")
    assert Partner.objects.get(external_id="W-1").name == "Renamed Partner"
    assert Partner.objects.get(external_id="W-2").stage == "onboarding"
    change = Partner.objects.get(external_id="W-2").stage_changes.get()
    assert (change.changed_by, change.reason) == (
        program_manager,
        "Imported from partners.csv.",
    )
    assert stored_files(media) == []
    assert client.session[SESSION_KEY] == {}
    assert client.post(uploaded.url, {"confirm": ""}).status_code == 404


def test_a_file_with_errors_is_previewed_without_a_confirm_button(
    client, program_manager, media
):
    client.force_login(program_manager)
    lines = [PARTNER_HEADER, "X-1,Bad,,DE,emea,reseller,diamond,active,,,"]

    preview = client.get(upload(client, lines).url)

    assert preview.status_code == 200
    assert "The file has 1 error, so nothing will be imported." in preview.text
    assert "“diamond” is not a tier code." in preview.text
    assert 'name="confirm"' not in preview.text
    assert not Partner.objects.filter(external_id="X-1").exists()


def test_a_file_that_cannot_be_read_goes_back_to_the_upload_form(
    client, program_manager, media
):
    client.force_login(program_manager)

    preview = client.get(upload(client, ["external_id,name", "X,Y"]).url)

    assert preview.status_code == 200
    assert (
        "partners.csv cannot be imported. The file is missing these columns: "
        "country, region, partner_type, tier, stage."
    ) in preview.text
    assert stored_files(media) == []
    refused = upload(client, GOOD, name="partners.txt")
    assert "Only .csv and .xlsx files can be imported." in refused.text


def test_cancel_deletes_the_upload(client, program_manager, media):
    client.force_login(program_manager)
    preview_url = upload(client, GOOD).url

    cancelled = client.post(preview_url, {"cancel": ""})

    assert cancelled.url == reverse("partner_import:upload")
    assert stored_files(media) == []
    assert not Partner.objects.filter(external_id="W-2").exists()


def test_another_session_cannot_reach_an_upload(client, program_manager, media):
    client.force_login(program_manager)
    preview_url = upload(client, GOOD).url
    other = staff_with_permissions("add_partner", "change_partner", username="pm2")
    client.force_login(other)

    assert client.get(preview_url).status_code == 404
    assert client.post(preview_url, {"confirm": ""}).status_code == 404
    assert not Partner.objects.filter(external_id="W-2").exists()


@pytest.mark.parametrize(
    "url_name", ["partner_import:upload", "partner_user_import:upload"]
)
def test_a_channel_account_manager_is_refused(client, db, media, url_name):
    account_manager = staff_with_permissions(username="cam.imports")
    PartnerFactory(account_manager=account_manager)
    client.force_login(account_manager)
    preview_url = reverse(url_name.replace("upload", "preview"), args=["any"])

    # Wagtail answers PermissionDenied in the admin with a redirect and a message.
    for response in (
        client.get(reverse(url_name)),
        upload(client, GOOD, url_name=url_name),
        client.get(preview_url),
        client.post(preview_url, {"confirm": ""}),
    ):
        assert response.status_code == 302
        assert response.url == reverse("wagtailadmin_home")
    assert stored_files(media) == []
    assert not Partner.objects.filter(external_id="W-2").exists()
    home = client.get(reverse("wagtailadmin_home"))
    assert "Sorry, you do not have permission to access this area." in home.text


def test_the_channel_menu_offers_the_imports_to_those_who_may_use_them(
    client, program_manager
):
    client.force_login(program_manager)
    home = client.get(reverse("wagtailadmin_home")).text
    assert reverse("partner_import:upload") in home
    assert reverse("partner_user_import:upload") in home

    client.force_login(staff_with_permissions("view_partner", username="viewer"))
    home = client.get(reverse("wagtailadmin_home")).text
    assert reverse("partner_import:upload") not in home


def test_partner_users_import_through_the_admin(client, program_manager, media):
    PartnerFactory(external_id="M-1", tier=tier("gold"))
    StaffFactory(email="staff@vendor.example")
    client.force_login(program_manager)
    lines = [
        "email,first_name,last_name,partner_external_id,role",
        "wang.wei@m.example,伟,王,M-1,admin",
    ]

    preview_url = upload(
        client, lines, url_name="partner_user_import:upload", name="users.csv"
    ).url
    preview = client.get(preview_url)

    assert [row.outcome for row in preview.context["report"].rows] == ["created"]
    assert not User.objects.filter(email="wang.wei@m.example").exists()

    confirmed = client.post(preview_url, {"confirm": ""})

    assert confirmed.url == reverse("partnermembership:index")
    user = User.objects.get(email="wang.wei@m.example")
    assert (user.membership.partner.external_id, user.membership.role) == (
        "M-1",
        "admin",
    )


@each_case
def test_the_preview_shows_chinese_names_as_read_before_anything_is_written(
    client, program_manager, encoding, rows
):
    client.force_login(program_manager)
    data = chinese_partners_csv(encoding, rows)
    uploaded = client.post(
        reverse("partner_import:upload"),
        {"file": SimpleUploadedFile("partners.csv", data), "encoding": ""},
    )

    preview = client.get(uploaded.url)

    assert "The file was read as GB18030 text." in preview.text
    for name in NAMES[:rows]:
        assert name in preview.text
    assert not Partner.objects.exists()

    client.post(uploaded.url, {"confirm": ""})

    assert sorted(Partner.objects.values_list("name", flat=True)) == sorted(
        NAMES[:rows]
    )


def test_the_upload_form_reads_a_file_in_the_encoding_chosen(client, program_manager):
    client.force_login(program_manager)
    data = excel_csv(
        PARTNER_REQUIRED_HEADER,
        ["RU-1,Ромашка,RU,emea,reseller,registered,active"],
        "cp1251",
    )
    uploaded = client.post(
        reverse("partner_import:upload"),
        {"file": SimpleUploadedFile("partners.csv", data), "encoding": "cp1251"},
    )

    preview = client.get(uploaded.url)

    assert "The file was read as CP1251 text." in preview.text
    assert "Ромашка" in preview.text
    client.post(uploaded.url, {"confirm": ""})
    assert Partner.objects.get(external_id="RU-1").name == "Ромашка"
