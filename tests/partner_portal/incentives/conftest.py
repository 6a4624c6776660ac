import pytest

from partner_portal.incentives.models import SalesRecord, SalesRecordChange, SalesSource
from partner_portal.incentives.services import COLUMNS, sales_import_file
from tests.factories import PartnerFactory

HEADER = ",".join(COLUMNS)


def csv_text(*lines, header=HEADER):
    return "\n".join([header, *lines]) + "\n"


def write_csv(path, *lines, encoding="utf-8", header=HEADER):
    path.write_bytes(csv_text(*lines, header=header).encode(encoding))
    return path


def run_import(path, **options):
    with open(path, "rb") as file:
        return sales_import_file(file=file, filename=path.name, **options)


def ledger():
    """Everything an import can write, to compare before and after."""
    return (
        list(SalesRecord.objects.order_by("pk").values()),
        list(SalesRecordChange.objects.order_by("pk").values()),
        SalesSource.objects.count(),
    )


@pytest.fixture
def partners(db):
    """Two partners, P-1 and P-2, as sales files name them."""
    return PartnerFactory(external_id="P-1"), PartnerFactory(external_id="P-2")
