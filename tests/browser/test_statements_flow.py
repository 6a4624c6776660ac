"""A partner admin opens an issued statement, follows a line down to the sales
records it counted, downloads the PDF and reads the pages in Chinese."""

import io
import json
import re
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from partner_portal.incentives.models import PeriodKind, Program
from partner_portal.incentives.periods import current_period, label_for
from partner_portal.incentives.program_files import programs_load
from partner_portal.incentives.statements.lifecycle import (
    statement_approve,
    statement_issue,
)
from partner_portal.incentives.statements.runs import statements_run
from partner_portal.partners.models import User

pytestmark = pytest.mark.browser

DEMO = json.loads(Path("fixtures/demo/partners.json").read_text(encoding="utf-8"))
PROGRAM = {
    "code": "browser-rebate",
    "name": "渠道返利计划",
    "kind": "rebate",
    "currency": "CNY",
    "start": "2020-01-01",
    "end": "2099-12-31",
    "period": "quarter",
    "eligible_tiers": ["gold"],
    "rules": [{"type": "percent_of_revenue", "rates": {"gold": "3"}}],
}


@pytest.fixture
def issued_statement(demo_data):
    """The demo's Chinese gold partner's statement of the last quarter that has
    ended (the demo dates its sales back from today, so it always has some)."""
    programs_load(data=[PROGRAM])
    program = Program.objects.get(code=PROGRAM["code"])
    admin = User.objects.get(username="admin")
    current = current_period(program, timezone.localdate())
    last_quarter = label_for(PeriodKind.QUARTER, current.first - timedelta(days=1))
    statements_run(program=program, period_label=last_quarter, by=admin)
    statement = program.statements.get(partner__external_id="P-1003")
    statement_approve(statement=statement, by=admin)
    return statement_issue(statement=statement, by=admin)


def pdf_text(content: bytes) -> str:
    pages = PdfReader(io.BytesIO(content)).pages
    return "".join(page.extract_text() for page in pages).replace("\x00", "")


def test_a_partner_follows_a_line_to_its_sales_downloads_the_pdf_reads_chinese(
    page, issued_statement
):
    line = issued_statement.lines.get()
    page.goto("/accounts/login/?next=/incentives/")
    page.get_by_label("Username").fill("gold.user")
    page.get_by_label("Password").fill(DEMO["password"])
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Incentives", exact=True)).to_be_visible()
    row = page.get_by_role("row").filter(has_text=PROGRAM["name"])
    row.get_by_role("link", name=issued_statement.period, exact=True).click()

    heading = f"Statement for {issued_statement.period}"
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    lines = page.locator("table.statement-lines tbody tr")
    expect(lines).to_have_count(1)
    expect(lines.first).to_contain_text("Percent of revenue")
    expect(lines.first).to_contain_text("3%")
    sources = f"{line.source_count} sales lines"
    lines.first.get_by_role("link", name=sources).click()

    expect(
        page.get_by_role("heading", name="The sales records this line counted")
    ).to_be_visible()
    records = page.locator("table.sources-table tbody tr")
    expect(records).to_have_count(min(line.source_count, 50))
    basis = f"{line.basis:,.2f}\N{NO-BREAK SPACE}CNY in all: the line's basis."
    expect(page.locator(".sources-sum")).to_contain_text(basis)
    invoice = records.first.get_by_role("link")
    number = invoice.inner_text()
    assert number.startswith("DEMO-P-1003-")
    invoice.click()
    expect(
        page.get_by_role("heading", name=re.compile(f"^Invoice {number}"))
    ).to_be_visible()
    page.go_back()
    breadcrumbs = page.get_by_role("navigation", name="You are here")
    breadcrumbs.get_by_role("link", name=re.compile(PROGRAM["name"])).click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Statement (PDF)").click()
    content = Path(download.value.path()).read_bytes()
    assert content.startswith(b"%PDF")
    assert b"NotoSansCJK" in content  # the CJK font is embedded
    text = pdf_text(content)
    assert "华东渠道科技" in text and "渠道返利计划" in text
    assert "Incentive statement" in text

    page.get_by_label("Language").select_option("zh-hans")
    page.get_by_role("button", name="Switch").click()
    expect(
        page.get_by_role("heading", name=f"{issued_statement.period} 对账单")
    ).to_be_visible()
    expect(page.get_by_role("link", name="对账单（PDF）")).to_be_visible()  # noqa: RUF001
    page.get_by_role("link", name="激励", exact=True).first.click()
    expect(page.get_by_role("heading", name="本期预估收益")).to_be_visible()
    expect(page.get_by_role("heading", name="您的对账单")).to_be_visible()
