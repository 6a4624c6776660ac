"""A new user of `make run` sees real statements: the demo data issues them."""

from io import StringIO

from django.core.management import call_command

import pytest

from partner_portal.incentives.models import Program, Statement
from partner_portal.incentives.statements.sources import line_sources_total

pytestmark = pytest.mark.django_db


def test_the_demo_issues_statements_that_follow_to_their_sales_lines():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "2 demo programs" in out.getvalue()
    assert set(Program.objects.values_list("code", flat=True)) == {
        "growth-rebate",
        "cloud-spiff-cn",
    }
    issued = Statement.objects.filter(
        status__in=[Statement.Status.ISSUED, Statement.Status.PAID]
    )
    assert issued.filter(program__code="growth-rebate").exists()
    assert issued.filter(program__code="cloud-spiff-cn", currency="CNY").exists()
    assert issued.filter(status=Statement.Status.PAID).exists()
    for statement in issued:
        assert statement.total == sum(line.amount for line in statement.lines.all())
        for line in statement.lines.all():
            if line.counts_sales:
                count, amount, quantity = line_sources_total(line)
                assert count == line.source_count
                assert (quantity if line.basis_kind == "units" else amount) == (
                    line.basis
                )
    # A second run of the demo changes nothing.
    before = list(Statement.objects.order_by("pk").values("pk", "total", "status"))
    call_command("seed_demo", stdout=StringIO())
    assert list(Statement.objects.order_by("pk").values("pk", "total", "status")) == (
        before
    )
