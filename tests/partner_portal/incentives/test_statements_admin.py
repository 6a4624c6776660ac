"""Staff run, review, issue and pay statements and answer disputes in the admin,
each within their partners."""

import csv
import io
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.urls import reverse

from wagtail.users.models import UserProfile

import pytest

from partner_portal.incentives.blocks import PercentOfRevenueBlock
from partner_portal.incentives.models import (
    Dispute,
    Statement,
    StatementEvent,
    StatementRun,
)
from partner_portal.incentives.statements.lifecycle import (
    dispute_open,
    statement_approve,
    statement_issue,
)
from tests.factories import MembershipFactory, StaffFactory

from .statements_helpers import make_program, partner_in, run, sell, statement_of

pytestmark = pytest.mark.django_db
PERCENT = {"type": "percent_of_revenue", "rates": {"gold": "5"}}
ALL = [
    "access_admin",
    "view_statement",
    "change_statement",
    "approve_statement",
    "issue_statement",
    "pay_statement",
    "view_dispute",
    "resolve_dispute",
    "view_program",
    "add_program",
    "change_program",
]


def staff(username, *codenames):
    user = StaffFactory(username=username)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def world():
    cam = staff("cam", *ALL)
    own = partner_in("gold", name="Assigned Co", account_manager=cam)
    other = partner_in("gold", name="Elsewhere Co")
    sell(own, ("2026-01-10", "A", 1, "1000.00"), ("2026-01-11", "A", 1, "10.00"))
    sell(other, ("2026-01-10", "A", 1, "2000.00"))
    program = make_program([PERCENT])
    run(program)
    return cam, own, other, program


def test_a_run_started_in_the_admin_is_done_by_the_worker_and_reported(
    client, world, django_capture_on_commit_callbacks
):
    cam, own, _other, program = world
    sell(own, ("2026-02-01", "A", 1, "100.00"))
    client.force_login(cam)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("incentives_statement_run_start"),
            {"program": program.pk, "period": "2026-Q1"},
        )
    run_ = StatementRun.objects.get()
    assert response.status_code == 302
    assert run_.status == StatementRun.Status.SUCCEEDED
    assert run_.report["replaced"] == 2 and run_.done == run_.total == 2
    page = client.get(reverse("incentives_statement_run", args=[run_.pk]))
    assert "Drafts computed again" in page.content.decode()
    assert statement_of(own, program).total == Decimal("55.50")


def test_a_period_of_the_wrong_kind_is_refused_in_the_form(client, world):
    cam, _own, _other, program = world
    client.force_login(cam)
    response = client.post(
        reverse("incentives_statement_run_start"),
        {"program": program.pk, "period": "2026-02"},
    )
    assert response.status_code == 200
    assert "is not a period of rebate" in response.content.decode()
    assert not StatementRun.objects.exists()


def test_an_account_manager_lists_and_opens_only_their_partners_statements(
    client, world
):
    cam, own, other, program = world
    client.force_login(cam)
    listing = client.get(reverse("incentives_statement:index")).content.decode()
    assert "Assigned Co" in listing and "Elsewhere Co" not in listing
    mine = statement_of(own, program)
    theirs = statement_of(other, program)
    page = client.get(reverse("incentives_statement:inspect", args=[mine.pk]))
    assert page.status_code == 200 and "50.50" in page.content.decode()
    for url in (
        reverse("incentives_statement:inspect", args=[theirs.pk]),
        reverse("incentives_statement:line_sources", args=[theirs.pk, 1]),
    ):
        assert client.get(url).status_code == 404
    response = client.post(
        reverse("incentives_statement:step", args=[theirs.pk, "approve"])
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Statement.Status.DRAFT


def test_a_statement_names_its_rules_in_the_staff_members_language(client, world):
    cam, own, _other, program = world
    client.force_login(cam)
    url = reverse("incentives_statement:inspect", args=[statement_of(own, program).pk])
    page = client.get(url).content.decode()
    assert "Percent of revenue" in page and "percent_of_revenue" not in page
    assert "50.50\N{NO-BREAK SPACE}USD" in page
    profile = UserProfile.get_for_user(cam)
    profile.preferred_language = "zh-hans"
    profile.save()
    assert "营收百分比" in client.get(url).content.decode()


def test_each_step_needs_its_permission_and_is_recorded(client, world):
    _cam, own, _other, program = world
    statement = statement_of(own, program)
    approver = staff("approver", "access_admin", "view_statement", "approve_statement")
    own.account_manager = approver
    own.save()
    client.force_login(approver)
    issue = reverse("incentives_statement:step", args=[statement.pk, "issue"])
    refused = client.post(issue, follow=True)
    assert "do not have permission" in refused.content.decode()
    statement.refresh_from_db()
    assert statement.status == Statement.Status.DRAFT
    client.post(reverse("incentives_statement:step", args=[statement.pk, "approve"]))
    statement.refresh_from_db()
    assert statement.status == Statement.Status.APPROVED
    event = statement.events.get(action=StatementEvent.Action.APPROVED)
    assert event.by == approver
    # Approving twice is refused with a message, not an error page.
    response = client.post(
        reverse("incentives_statement:step", args=[statement.pk, "approve"]),
        follow=True,
    )
    assert "cannot become approved" in response.content.decode()


def test_the_sources_page_adds_up_to_the_basis(client, world):
    cam, own, _other, program = world
    client.force_login(cam)
    statement = statement_of(own, program)
    page = client.get(
        reverse("incentives_statement:line_sources", args=[statement.pk, 1])
    ).content.decode()
    assert "counted 2 sales lines" in page
    assert "add up to 1,010.00\N{NO-BREAK SPACE}USD" in page


def test_payouts_export_neutralises_formulas_and_marks_issued_statements_paid(
    client, world
):
    cam, own, _other, program = world
    own.name = '=HYPERLINK("http://evil")'
    own.save()
    statement = statement_of(own, program)
    statement_issue(statement=statement_approve(statement=statement, by=cam), by=cam)
    client.force_login(cam)
    exported = client.get(reverse("incentives_payouts") + "?export=csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[1][1].startswith("'=")
    assert rows[1][8] == "50.50"
    assert len(rows) == 2  # the other partner's draft is neither in reach nor ready
    client.post(reverse("incentives_payouts"), {"statement": [statement.pk]})
    statement.refresh_from_db()
    assert statement.status == Statement.Status.PAID


def test_payouts_are_a_menu_entry_with_named_files_and_pay_only_what_is_ticked(
    client, world
):
    cam, own, _other, program = world
    statement = statement_of(own, program)
    statement_issue(statement=statement_approve(statement=statement, by=cam), by=cam)
    client.force_login(cam)
    assert (
        reverse("incentives_payouts")
        in client.get(reverse("wagtailadmin_home")).content.decode()
    )
    for kind in ("csv", "xlsx"):
        exported = client.get(reverse("incentives_payouts") + f"?export={kind}")
        assert exported["Content-Disposition"].endswith(f'filename="payouts.{kind}"')
    nothing = client.post(reverse("incentives_payouts"), follow=True)
    assert "Tick the issued statements finance has paid" in nothing.content.decode()
    statement.refresh_from_db()
    assert statement.status == Statement.Status.ISSUED


def test_staff_answer_and_accept_a_dispute_with_a_correction(client, world, mailoutbox):
    cam, own, _other, program = world
    statement = statement_of(own, program)
    statement_issue(statement=statement_approve(statement=statement, by=cam), by=cam)
    partner_user = MembershipFactory(partner=own, role="admin").user
    dispute = dispute_open(
        line=statement.lines.get(), by=partner_user, body="Invoice A-9 is missing."
    )
    client.force_login(cam)
    url = reverse("incentives_dispute_admin:inspect", args=[dispute.pk])
    assert "Invoice A-9 is missing." in client.get(url).content.decode()
    mailoutbox.clear()
    client.post(url, {"body": "We are checking."})
    (answer,) = mailoutbox
    assert answer.to == [partner_user.email] and "We are checking." in answer.body
    response = client.post(
        url, {"decision": "accept", "reason": "Agreed.", "amount": ""}
    )
    assert "Give the amount of the correction" in response.content.decode()
    client.post(url, {"decision": "accept", "reason": "Agreed.", "amount": "12.34"})
    dispute.refresh_from_db()
    assert dispute.status == Dispute.Status.ACCEPTED
    assert "is resolved" in mailoutbox[-1].subject
    assert dispute.adjustment.total == Decimal("12.34")
    assert dispute.adjustment.status == Statement.Status.DRAFT
    assert list(dispute.messages.values_list("body", flat=True)) == [
        "Invoice A-9 is missing.",
        "We are checking.",
        "Agreed.",
    ]
    # A run afterwards keeps the agreed correction.
    run(program)
    assert Statement.objects.filter(pk=dispute.adjustment.pk).exists()


def test_a_new_revenue_rule_counts_every_sku_until_skus_are_added():
    # Wagtail starts a list block with one empty, required item.
    assert list(PercentOfRevenueBlock().get_default()["skus"]) == []


def test_the_program_editor_opens(client, world):
    cam, *_rest, program = world
    client.force_login(cam)
    assert client.get(reverse("incentives_program:add")).status_code == 200
    page = client.get(reverse("incentives_program:edit", args=[program.pk]))
    assert page.status_code == 200 and "Percent of revenue" in page.content.decode()
