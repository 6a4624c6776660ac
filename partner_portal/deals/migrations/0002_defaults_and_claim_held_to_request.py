from django.db import migrations

SUFFIXES = (
    "Inc.", "Incorporated", "Ltd.", "Limited", "LLC", "LLP", "GmbH", "AG", "SA",
    "S.A.", "SAS", "S.p.A.", "SRL", "BV", "NV", "Oy", "AB", "AS", "KK", "Co.",
    "Corp.", "Corporation", "Company", "PLC", "Pty", "Pte", "Holdings", "Group",
    "有限公司", "股份有限公司", "有限责任公司", "集团", "公司", "控股",
    "株式会社",
)  # fmt: skip

LOST_REASONS = (
    ("Price", "价格"),
    ("Chose a competitor", "客户选择了竞争对手"),
    ("No budget", "客户没有预算"),
    ("Project cancelled or postponed", "项目取消或延期"),
    ("No decision", "客户未做决定"),
    ("Other", "其他"),
)

# A claim names its request and the request's approved amount; PostgreSQL holds the
# pair equal to the request's own, so no claim can be held to a larger amount. (SQLite,
# for `make run` alone, cannot add a constraint to a table; the service checks there.)
CLAIM_HELD_TO_REQUEST = """
ALTER TABLE deals_fundclaim
    ADD CONSTRAINT mdf_claim_amount_is_the_requests
    FOREIGN KEY (request_id, request_amount)
    REFERENCES deals_fundrequest (id, approved_amount)
    ON UPDATE RESTRICT ON DELETE RESTRICT
"""


DROP_CLAIM_HELD_TO_REQUEST = (
    "ALTER TABLE deals_fundclaim DROP CONSTRAINT mdf_claim_amount_is_the_requests"
)


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


def defaults(apps, schema_editor):
    LegalSuffix = apps.get_model("deals", "LegalSuffix")
    LostReason = apps.get_model("deals", "LostReason")
    LegalSuffix.objects.bulk_create(
        [LegalSuffix(suffix=suffix) for suffix in SUFFIXES], ignore_conflicts=True
    )
    LostReason.objects.bulk_create(
        [
            LostReason(name=name, name_zh=name_zh, sort_order=order)
            for order, (name, name_zh) in enumerate(LOST_REASONS)
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("deals", "0001_initial")]

    operations = [
        migrations.RunPython(defaults, migrations.RunPython.noop),
        migrations.RunPython(
            _on_postgresql(CLAIM_HELD_TO_REQUEST),
            _on_postgresql(DROP_CLAIM_HELD_TO_REQUEST),
        ),
    ]
