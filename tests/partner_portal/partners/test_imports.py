"""Import of partners and partner users: one code path for the admin and commands."""

import datetime

from django.core.exceptions import PermissionDenied

import openpyxl
import pytest

from partner_portal.imports.services import Outcome, file_import
from partner_portal.partners.imports.kinds import PARTNER_USERS, PARTNERS
from partner_portal.partners.models import (
    Partner,
    PartnerMembership,
    StageChange,
    TierChange,
    User,
)
from partner_portal.tabular.reading import RowError, TabularError
from tests.chinese_files import NAMES, chinese_partners_csv, each_case, excel_csv
from tests.factories import (
    MembershipFactory,
    PartnerFactory,
    StaffFactory,
    UserFactory,
    staff_with_permissions,
    tier,
)

COMPANY = "上海华东渠道科技有限公司"
PARTNER_HEADER = (
    "external_id,name,legal_name,country,region,partner_type,tier,stage,"
    "joined_on,account_manager_email,email_domain"
)
USER_HEADER = "email,first_name,last_name,partner_external_id,role"


def csv_file(tmp_path, lines, *, name="partners.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def import_partners(path, *, by=None, dry_run=False):
    with open(path, "rb") as file:
        return file_import(
            PARTNERS, file=file, filename=path.name, by=by, dry_run=dry_run
        )


def import_users(path, *, by=None, dry_run=False):
    with open(path, "rb") as file:
        return file_import(
            PARTNER_USERS, file=file, filename=path.name, by=by, dry_run=dry_run
        )


def outcomes(report):
    return [(row.row, row.key, row.outcome) for row in report.rows]


@pytest.fixture
def manager(db):
    return StaffFactory(username="cam.li", email="Cam.Li@vendor.example")


def test_a_gbk_file_saved_by_chinese_excel_creates_partners(tmp_path, manager):
    path = csv_file(
        tmp_path,
        [
            PARTNER_HEADER,
            f"CN-1,华东渠道科技,{COMPANY},cn,greater_china,distributor,gold,"
            "active,2023-09-20,cam.li@vendor.example,huadong.example",
            "CN-2,北京中关村软件,北京中关村软件有限公司,CN,greater_china,reseller,"
            "registered,onboarding,,,",
        ],
        encoding="gbk",
    )

    report = import_partners(path, by=None)

    assert report.written
    assert outcomes(report) == [
        (2, "CN-1", Outcome.CREATED),
        (3, "CN-2", Outcome.CREATED),
    ]
    first = Partner.objects.get(external_id="CN-1")
    assert (first.name, first.legal_name, first.country) == (
        "华东渠道科技",
        COMPANY,
        "CN",
    )
    assert (first.tier.code, first.stage, str(first.joined_on)) == (
        "gold",
        "active",
        "2023-09-20",
    )
    assert first.account_manager == manager
    assert first.email_domain == "huadong.example"
    assert Partner.objects.get(external_id="CN-2").name == "北京中关村软件"


def test_a_utf8_file_with_byte_order_mark_creates_partners_with_chinese_names(
    tmp_path, manager
):
    path = csv_file(
        tmp_path,
        [
            PARTNER_HEADER,
            f"CN-3,深圳腾飞,{COMPANY},CN,greater_china,msp,silver,prospect,,,",
        ],
        encoding="utf-8-sig",
    )

    report = import_partners(path)

    assert outcomes(report) == [(2, "CN-3", Outcome.CREATED)]
    partner = Partner.objects.get(external_id="CN-3")
    assert (partner.name, partner.legal_name, partner.stage) == (
        "深圳腾飞",
        COMPANY,
        "prospect",
    )


def test_an_xlsx_workbook_imports_dates_and_numeric_ids(tmp_path, manager):
    workbook = openpyxl.Workbook()
    workbook.active.append(PARTNER_HEADER.split(","))
    workbook.active.append(
        [
            *(1001, COMPANY, None, "CN", "apac", "reseller", "Silver", "active"),
            *(datetime.date(2024, 5, 6), "CAM.LI@VENDOR.EXAMPLE", "Example.com"),
        ]
    )
    path = tmp_path / "partners.xlsx"
    workbook.save(path)

    report = import_partners(path)

    assert outcomes(report) == [(2, "1001", Outcome.CREATED)]
    partner = Partner.objects.get(external_id="1001")
    assert (partner.name, partner.tier.code, str(partner.joined_on)) == (
        COMPANY,
        "silver",
        "2024-05-06",
    )
    assert partner.account_manager == manager
    assert partner.email_domain == "example.com"


def test_a_file_with_errors_writes_nothing_and_names_row_and_column(tmp_path, db):
    UserFactory(email="partner.person@x.example")
    PartnerFactory(external_id="EX-1", stage="terminated")
    before = Partner.objects.count()
    path = csv_file(
        tmp_path,
        [
            PARTNER_HEADER,
            "OK-1,Fine Ltd,,DE,emea,reseller,silver,active,2024-01-01,,",
            "BAD-1,Bad Tier,,DE,emea,reseller,diamond,active,,,",
            "BAD-2,Bad Codes,,Germany,mars,shop,silver,asleep,01/02/2024,,",
            "BAD-3,Ghost,,DE,emea,reseller,silver,active,,ghost@vendor.example,",
            "BAD-4,Not Staff,,DE,emea,reseller,silver,active,,"
            "partner.person@x.example,",
            "EX-1,Revived,,DE,emea,reseller,registered,active,,,",
            "OK-1,Again,,DE,emea,reseller,silver,active,,,",
            ",No Id,,,emea,reseller,silver,,,,",
            "BAD-5,Bad Domain,,DE,emea,reseller,silver,active,,,not a domain",
            "BAD-6,Surplus,,DE,emea,reseller,silver,active,,,,surplus",
        ],
    )

    report = import_partners(path)

    assert not report.written
    assert Partner.objects.count() == before
    assert not Partner.objects.filter(external_id="OK-1").exists()
    assert Partner.objects.get(external_id="EX-1").stage == "terminated"
    assert report.sorted_errors() == [
        RowError(
            3,
            "tier",
            "“diamond” is not a tier code. "
            "Use one of: registered, silver, gold, platinum.",
        ),
        RowError(
            4, "country", "Enter a two-letter ISO 3166 country code, such as CN or DE."
        ),
        RowError(
            4,
            "region",
            "“mars” is not a region. Write a region's code or its name in English "
            "or Chinese, as listed under Settings → Regions.",
        ),
        RowError(
            4,
            "partner_type",
            "“shop” is not a partner type code. "
            "Use one of: reseller, distributor, msp, referral, system_integrator.",
        ),
        RowError(
            4,
            "stage",
            "“asleep” is not a lifecycle stage code. Use one of: prospect, "
            "applicant, onboarding, active, at_risk, suspended, terminated.",
        ),
        RowError(4, "joined_on", "Enter the date as YYYY-MM-DD, such as 2024-03-01."),
        RowError(
            5,
            "account_manager_email",
            "No user has the email address “ghost@vendor.example”.",
        ),
        RowError(
            6,
            "account_manager_email",
            "The user with the email address “partner.person@x.example” is not "
            "active vendor staff, so cannot manage partners.",
        ),
        RowError(7, "stage", "A partner cannot move from “Terminated” to “Active”."),
        RowError(8, "external_id", "The external ID “OK-1” is also on row 2."),
        RowError(9, "external_id", "This column needs a value."),
        RowError(9, "country", "This column needs a value."),
        RowError(9, "stage", "This column needs a value."),
        RowError(10, "email_domain", "Enter a valid domain name."),
        RowError(
            11, None, "This row has more values than the first row has column names."
        ),
    ]
    assert [(row.row, row.outcome) for row in report.rows] == [
        (2, Outcome.CREATED),
        *((number, Outcome.ERROR) for number in range(3, 11)),
    ]


def test_reimport_updates_reports_unchanged_and_keeps_history(tmp_path, manager):
    program_manager = StaffFactory(is_superuser=True)
    lines = [
        PARTNER_HEADER,
        "R-1,Rhine Systems,,DE,emea,reseller,registered,onboarding,2024-02-01,,",
        "R-2,Loire Partners,,FR,emea,msp,silver,active,2023-01-01,,",
    ]
    first = import_partners(csv_file(tmp_path, lines), by=program_manager)
    assert [row.outcome for row in first.rows] == [Outcome.CREATED] * 2
    created = StageChange.objects.get(partner__external_id="R-1")
    assert (created.to_stage, created.reason) == (
        "onboarding",
        "Imported from partners.csv.",
    )
    initial_tier = TierChange.objects.get(partner__external_id="R-1")
    assert (initial_tier.tier.code, str(initial_tier.effective_from)) == (
        "registered",
        "2024-02-01",
    )

    again = import_partners(csv_file(tmp_path, lines), by=program_manager)
    assert outcomes(again) == [
        (2, "R-1", Outcome.UNCHANGED),
        (3, "R-2", Outcome.UNCHANGED),
    ]

    lines[1] = (
        "R-1,Rhine Systems GmbH,,DE,emea,reseller,silver,active,2024-02-01,"
        "cam.li@vendor.example,"
    )
    changed = import_partners(
        csv_file(tmp_path, lines, name="partners-v2.csv"), by=program_manager
    )

    assert outcomes(changed) == [
        (2, "R-1", Outcome.UPDATED),
        (3, "R-2", Outcome.UNCHANGED),
    ]
    assert changed.rows[0].changes == (
        "name",
        "tier",
        "stage",
        "account_manager_email",
    )
    assert Partner.objects.filter(external_id__startswith="R-").count() == 2
    partner = Partner.objects.get(external_id="R-1")
    assert (partner.name, partner.tier.code, partner.stage) == (
        "Rhine Systems GmbH",
        "silver",
        "active",
    )
    assert partner.account_manager == manager
    stage = partner.stage_changes.first()
    assert (stage.from_stage, stage.to_stage, stage.changed_by, stage.reason) == (
        "onboarding",
        "active",
        program_manager,
        "Imported from partners-v2.csv.",
    )
    tier_change = partner.tier_changes.first()
    assert (tier_change.tier.code, tier_change.reason) == (
        "silver",
        "Imported from partners-v2.csv.",
    )
    assert partner.stage_changes.count() == 2
    assert partner.tier_changes.count() == 2


def test_reimport_refuses_a_stage_change_the_lifecycle_does_not_allow(tmp_path, db):
    PartnerFactory(external_id="S-1", stage="active", country="DE")
    path = csv_file(
        tmp_path,
        [PARTNER_HEADER, "S-1,Partner S,,DE,emea,reseller,registered,applicant,,,"],
    )

    report = import_partners(path)

    assert report.sorted_errors() == [
        RowError(2, "stage", "A partner cannot move from “Active” to “Applicant”.")
    ]
    assert Partner.objects.get(external_id="S-1").stage == "active"


def test_optional_columns_left_out_keep_their_values(tmp_path, manager):
    PartnerFactory(
        external_id="O-1",
        account_manager=manager,
        email_domain="o.example",
        legal_name="O Ltd",
    )
    header = "external_id,name,country,region,partner_type,tier,stage"
    path = csv_file(
        tmp_path, [header, "O-1,O Renamed,DE,emea,reseller,registered,active"]
    )

    report = import_partners(path)

    assert outcomes(report) == [(2, "O-1", Outcome.UPDATED)]
    partner = Partner.objects.get(external_id="O-1")
    assert (partner.name, partner.legal_name, partner.email_domain) == (
        "O Renamed",
        "O Ltd",
        "o.example",
    )
    assert partner.account_manager == manager


def test_a_dry_run_reports_every_outcome_and_writes_nothing(tmp_path, db):
    PartnerFactory(external_id="D-1", name="Old name")
    path = csv_file(
        tmp_path,
        [
            PARTNER_HEADER,
            "D-1,New name,,DE,emea,reseller,registered,active,,,",
            "D-2,Brand new,,DE,emea,reseller,registered,active,,,",
        ],
    )

    report = import_partners(path, dry_run=True)

    assert outcomes(report) == [
        (2, "D-1", Outcome.UPDATED),
        (3, "D-2", Outcome.CREATED),
    ]
    assert not report.written
    assert Partner.objects.get(external_id="D-1").name == "Old name"
    assert not Partner.objects.filter(external_id="D-2").exists()


def test_only_holders_of_the_model_permissions_may_import(tmp_path, db):
    account_manager = StaffFactory()
    PartnerFactory(external_id="A-1", account_manager=account_manager)
    path = csv_file(
        tmp_path, [PARTNER_HEADER, "A-1,Mine,,DE,emea,reseller,registered,active,,,"]
    )

    with pytest.raises(PermissionDenied):
        import_partners(path, by=account_manager)
    with pytest.raises(PermissionDenied):
        import_users(
            csv_file(tmp_path, [USER_HEADER], name="u.csv"), by=account_manager
        )

    program_manager = staff_with_permissions(
        "add_partner", "change_partner", username="pm.imports"
    )
    assert import_partners(path, by=program_manager).written


def test_a_file_without_rows_is_refused(tmp_path, db):
    with pytest.raises(TabularError, match="no rows below its column names"):
        import_partners(csv_file(tmp_path, [PARTNER_HEADER]))


@pytest.fixture
def partners(db):
    return (
        PartnerFactory(external_id="P-A", name="Alpha", tier=tier("silver")),
        PartnerFactory(external_id="P-B", name="Beta", tier=tier("gold")),
    )


def test_partner_users_are_created_with_memberships(tmp_path, partners):
    path = csv_file(
        tmp_path,
        [
            USER_HEADER,
            "li.na@alpha.example,晓娜,李,P-A,admin",
            "Sam.Sales@Alpha.Example,Sam,Sales,P-A,sales",
            "tech@beta.example,,,P-B,technical",
        ],
        name="users.csv",
        encoding="gb18030",
    )

    report = import_users(path)

    assert report.written
    assert [row.outcome for row in report.rows] == [Outcome.CREATED] * 3
    assert sorted(user.email for user in report.created_objects) == [
        "Sam.Sales@alpha.example",
        "li.na@alpha.example",
        "tech@beta.example",
    ]
    li = User.objects.get(email="li.na@alpha.example")
    assert (li.first_name, li.last_name, li.is_active) == ("晓娜", "李", True)
    assert not li.has_usable_password()
    assert (li.membership.partner.external_id, li.membership.role) == ("P-A", "admin")
    tech = User.objects.get(email="tech@beta.example")
    assert (tech.membership.partner.external_id, tech.membership.role) == (
        "P-B",
        "technical",
    )


def test_partner_user_reimport_updates_by_email_without_regard_to_case(
    tmp_path, partners
):
    lines = [USER_HEADER, "ana@alpha.example,Ana,Silva,P-A,sales"]
    import_users(csv_file(tmp_path, lines, name="users.csv"))

    again = import_users(
        csv_file(tmp_path, [USER_HEADER, "ANA@alpha.example,Ana,Silva,P-A,sales"])
    )
    assert outcomes(again) == [(2, "ANA@alpha.example", Outcome.UNCHANGED)]

    changed = import_users(
        csv_file(tmp_path, [USER_HEADER, "Ana@Alpha.example,Ana,Silva,P-A,marketing"])
    )

    assert outcomes(changed) == [(2, "Ana@Alpha.example", Outcome.UPDATED)]
    assert changed.rows[0].changes == ("role",)
    assert changed.created_objects == []
    user = User.objects.get(email__iexact="ana@alpha.example")
    assert user.email == "ana@alpha.example"
    assert user.membership.role == "marketing"
    assert User.objects.filter(email__iexact="ana@alpha.example").count() == 1


def test_an_existing_account_without_membership_joins_the_partner(tmp_path, partners):
    UserFactory(username="loner", email="loner@alpha.example")
    path = csv_file(tmp_path, [USER_HEADER, "loner@alpha.example,Lo,Ner,P-A,sales"])

    report = import_users(path)

    assert outcomes(report) == [(2, "loner@alpha.example", Outcome.UPDATED)]
    user = User.objects.get(username="loner")
    assert user.membership.partner.external_id == "P-A"
    assert user.has_usable_password()


def test_a_bad_partner_user_file_writes_nothing(tmp_path, partners):
    MembershipFactory(
        partner=partners[1], user__username="taken", user__email="taken@b.example"
    )
    StaffFactory(username="staffer", email="staff@vendor.example")
    users_before = User.objects.count()
    path = csv_file(
        tmp_path,
        [
            USER_HEADER,
            "new.person@a.example,New,Person,P-A,sales",
            "not-an-email,X,Y,P-A,sales",
            "who@a.example,Who,Knows,P-ZZZ,sales",
            "Taken@B.example,Ta,Ken,P-A,sales",
            "staff@vendor.example,St,Aff,P-A,admin",
            "role@a.example,Ro,Le,P-A,boss",
            "NEW.PERSON@a.example,Dup,,P-A,sales",
            "missing@a.example,,,,",
        ],
        name="users.csv",
    )

    report = import_users(path)

    assert not report.written
    assert report.created_objects == []
    assert User.objects.count() == users_before
    assert not PartnerMembership.objects.filter(partner=partners[0]).exists()
    assert report.sorted_errors() == [
        RowError(3, "email", "Enter a valid email address."),
        RowError(4, "partner_external_id", "No partner has the external ID “P-ZZZ”."),
        RowError(
            5,
            "partner_external_id",
            "This user already belongs to the partner “Beta” (P-B).",
        ),
        RowError(
            6,
            "email",
            "The email address “staff@vendor.example” belongs to vendor staff, "
            "who cannot be partner users.",
        ),
        RowError(
            7,
            "role",
            "“boss” is not a role code. "
            "Use one of: admin, sales, marketing, technical.",
        ),
        RowError(
            8, "email", "The email address “NEW.PERSON@a.example” is also on row 2."
        ),
        RowError(9, "partner_external_id", "This column needs a value."),
        RowError(9, "role", "This column needs a value."),
    ]


@each_case
def test_chinese_partner_names_saved_by_excel_arrive_exactly(
    tmp_path, db, encoding, rows
):
    path = tmp_path / "partners.csv"
    path.write_bytes(chinese_partners_csv(encoding, rows))

    report = import_partners(path)

    assert report.written
    assert report.encoding == "gb18030"
    assert [row.label for row in report.rows] == NAMES[:rows]
    assert (
        list(Partner.objects.order_by("external_id").values_list("name", flat=True))
        == NAMES[:rows]
    )


@each_case
def test_chinese_user_names_saved_by_excel_arrive_exactly(tmp_path, db, encoding, rows):
    PartnerFactory(external_id="CN-1")
    path = tmp_path / "users.csv"
    path.write_bytes(
        excel_csv(
            USER_HEADER,
            [
                f"user{n}@cq.example,{name[1:]},{name[0]},CN-1,sales"
                for n, name in enumerate(NAMES[:rows])
            ],
            encoding,
        )
    )

    report = import_users(path)

    assert report.written
    users = User.objects.filter(email__endswith="@cq.example").order_by("email")
    assert [(u.last_name + u.first_name) for u in users] == NAMES[:rows]
