"""Spreadsheets we write: every exported cell is formula-safe.

A cell that begins with "=", "+", "-", "@", a tab or a carriage return runs as a
formula when Excel or LibreOffice opens the file, and partners type names, SKUs and
search queries. Every CSV and XLSX export goes through `safe_cell`: the report
downloads through `csv_response` / `xlsx_response`, the admin listings' exports
through `SafeExportMixin`. Numbers (a return's negative amount) stay numbers.
"""

import csv
import io
from collections.abc import Iterable

from django.http import HttpResponse

from openpyxl import Workbook

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value):
    """The value, with a text that a spreadsheet would run as a formula quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(filename: str, header: Iterable, rows: Iterable[Iterable]):
    """A CSV download Excel opens as UTF-8 (with a byte order mark)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(str(name)) for name in header])
    writer.writerows([safe_cell(value) for value in row] for row in rows)
    response = HttpResponse(
        "\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8"
    )
    return _attachment(response, filename)


def xlsx_response(filename: str, header: Iterable, rows: Iterable[Iterable]):
    """An XLSX download with one sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([safe_cell(str(name)) for name in header])
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return _attachment(
        HttpResponse(out.getvalue(), content_type=XLSX_CONTENT_TYPE), filename
    )


class SafeExportMixin:
    """For Wagtail's exporting views (IndexView, ReportView): every CSV and XLSX
    cell is formula-safe, whatever the field."""

    def preprocess_field_value(self, field, value, export_format):
        return safe_cell(super().preprocess_field_value(field, value, export_format))
