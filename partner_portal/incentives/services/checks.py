"""Stage 2 of a load: check every staged cell in SQL, and find repeated lines.

`check()` reports every invalid cell by row and column, worded in Python from
the text SQL returns (the first `ImportErrors.limit` of them; the rest are
counted), and drops the invalid rows so that the duplicate search and a dry run's
description read valid rows only. `find_duplicates()` then reports each invoice
line that an earlier row of the file already holds. Checks run in parallel where
PostgreSQL may; a quick test by casts (`_all_valid()`) spares valid files the
regular expressions.
"""

import re

from django.db import DatabaseError, DataError, IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from partner_portal.tabular.reading import ImportErrors

from ..currencies import currency_names
from ..models import CODE_LENGTH
from .results import COLUMNS
from .staging import STAGED, STAGING, typed_cells

MAX_INTEGER = 2**31 - 1
MAX_AMOUNT_DIGITS = 12  # before the point, within DecimalField(14, 2)

# Only ASCII digits: the checks in SQL (below) accept no others.
_AMOUNT = re.compile(r"(-?)([0-9]+)(?:\.([0-9]+))?")
# Characters people and spreadsheets put between thousands.
_GROUPING = re.compile(r"[,'\s\u00a0\u202f]")


def _matches(value: str, pattern: str) -> str:
    """SQL that is true when `value` matches the regular expression `pattern`."""
    operator = "~" if connection.vendor == "postgresql" else "REGEXP"
    return f"{value} {operator} '{pattern}'"


def _checks() -> dict[str, str]:
    """Per column, SQL that is true when the cell of staging row `s` is valid.

    Each follows the wording of its message (see _problem()); CASE keeps casts
    from running on text that is not a number.
    """
    code = f"length(s.{{}}) BETWEEN 1 AND {CODE_LENGTH}"
    days = (
        "CASE WHEN {m} IN (4, 6, 9, 11) THEN 30 WHEN {m} = 2 THEN "
        # Leap years, in integer division: "%" means a parameter to the driver.
        "CASE WHEN {y} / 4 * 4 = {y} AND ({y} / 100 * 100 <> {y} "
        "OR {y} / 400 * 400 = {y}) THEN 29 ELSE 28 END ELSE 31 END"
    ).format(
        y="CAST(substr(s.date, 1, 4) AS integer)",
        m="CAST(substr(s.date, 6, 2) AS integer)",
    )
    currencies = ", ".join(f"'{code}'" for code in currency_names())
    return {
        "invoice_number": code.format("invoice_number"),
        # At most ten digits besides leading zeros keeps the casts from overflowing.
        "line_number": (
            f"CASE WHEN {_matches('s.line_number', '^0*[1-9][0-9]{0,9}$')} "
            f"THEN CAST(s.line_number AS bigint) <= {MAX_INTEGER} ELSE FALSE END"
        ),
        "partner_external_id": "p.partner_id IS NOT NULL",
        "date": (
            f"CASE WHEN {_matches('s.date', '^[0-9]{4}-[0-9]{2}-[0-9]{2}$')} "
            "THEN substr(s.date, 1, 4) <> '0000' "
            "AND substr(s.date, 6, 2) BETWEEN '01' AND '12' "
            f"AND CAST(substr(s.date, 9, 2) AS integer) BETWEEN 1 AND {days} "
            "ELSE FALSE END"
        ),
        "sku": code.format("sku"),
        "quantity": (
            f"CASE WHEN {_matches('s.quantity', '^-?[0-9]+$')} "
            "AND length(ltrim(s.quantity, '-0')) <= 10 "
            f"THEN abs(CAST(s.quantity AS bigint)) <= {MAX_INTEGER} ELSE FALSE END"
        ),
        "amount": _matches(
            "s.amount", f"^-?[0-9]{{1,{MAX_AMOUNT_DIGITS}}}([.][0-9]{{1,2}})?$"
        ),
        "currency": f"upper(s.currency) IN ({currencies})",
    }


def _all_valid(cursor) -> bool:
    """Whether every staged row is valid, by a quick test that may say no wrongly.

    PostgreSQL's regular expressions in _checks() take seconds for a million rows;
    casts take a fraction of that. A cell is valid when it casts and reads back
    as the same text within the limits. A cast that fails (an error) or text
    written otherwise (leading zeros, "+5", "1e5") leaves the answer to _checks().
    Signs are compared apart, so that "-0.00" (a return of nothing) passes.
    """
    if connection.vendor != "postgresql":
        return False
    currencies = ", ".join(f"'{code}'" for code in currency_names())
    valid = f"""
        length(s.invoice_number) BETWEEN 1 AND {CODE_LENGTH}
        AND length(s.sku) BETWEEN 1 AND {CODE_LENGTH}
        AND CAST(CAST(s.line_number AS integer) AS text) = s.line_number
        AND s.line_number <> '0'
        AND p.partner_id IS NOT NULL
        AND length(s.date) = 10
        AND CAST(CAST(s.date AS date) AS text) = s.date
        AND CAST(abs(CAST(s.quantity AS bigint)) AS text) = ltrim(s.quantity, '-')
        AND abs(CAST(s.quantity AS bigint)) <= {MAX_INTEGER}
        AND CAST(abs(CAST(s.amount AS numeric)) AS text) = ltrim(s.amount, '-')
        AND abs(CAST(s.amount AS numeric)) < 1e{MAX_AMOUNT_DIGITS}
        AND scale(CAST(s.amount AS numeric)) <= 2
        AND upper(s.currency) IN ({currencies})
    """
    try:
        with transaction.atomic():
            # Not NOT EXISTS: planned to stop at a first invalid row, it would look
            # up partners one row at a time rather than hash them all.
            cursor.execute(
                f"SELECT coalesce(bool_and(({valid}) IS TRUE), TRUE) "  # noqa: S608
                f"FROM {STAGED}"
            )
            return cursor.fetchone()[0]
    except DatabaseError:
        return False


def check(cursor, errors: ImportErrors) -> None:
    """Report every invalid cell, by row and then column, and drop invalid rows."""
    if _all_valid(cursor):
        return
    checks = _checks()
    bits = {name: 1 << index for index, name in enumerate(COLUMNS)}
    problems = " + ".join(
        f"CASE WHEN {checks[name]} THEN 0 ELSE {bits[name]} END" for name in COLUMNS
    )
    counted = " + ".join(f"(problems & {bit}) / {bit}" for bit in bits.values())
    cursor.execute(
        f"""
        SELECT row_number, problems, sum({counted}) OVER (), invoice_number,
               partner_external_id, sku, amount, currency
        FROM (
            SELECT s.row_number, s.invoice_number, s.partner_external_id, s.sku,
                   s.amount, s.currency, {problems} AS problems
            FROM {STAGED}
        ) checked
        WHERE problems <> 0
        ORDER BY row_number
        LIMIT %s
        """,  # noqa: S608
        [errors.limit],
    )
    found = cursor.fetchall()
    if not found:
        return
    added = 0
    for number, flags, _total, *cells in found:
        texts = dict(
            zip(
                ("invoice_number", "partner_external_id", "sku", "amount", "currency"),
                cells,
                strict=True,
            )
        )
        for name in COLUMNS:
            if flags & bits[name]:
                errors.add(number, name, _problem(name, texts))
                added += 1
    # The ones past the limit are counted, not described.
    errors.total += found[0][2] - added
    valid = " AND ".join(f"({checks[name]})" for name in COLUMNS)
    cursor.execute(
        f"DELETE FROM {STAGING} WHERE row_number NOT IN "  # noqa: S608
        f"(SELECT s.row_number FROM {STAGED} WHERE {valid})"
    )


def _problem(name: str, texts: dict[str, str]) -> str:
    if name == "invoice_number":
        return _invoice_problem(texts[name])
    if name == "line_number":
        return _("Enter the line number as a whole number from 1 up, such as 1.")
    if name == "partner_external_id":
        if texts[name]:
            return _("No partner has the external ID “%(id)s”.") % {"id": texts[name]}
        return _("Enter the partner's external ID.")
    if name == "date":
        return _("Enter a real date as YYYY-MM-DD, such as 2025-01-31.")
    if name == "sku":
        return _sku_problem(texts[name])
    if name == "quantity":
        return _(
            "Enter the quantity as a whole number; returns are negative, such as -2."
        )
    if name == "amount":
        return _amount_problem(texts[name], _AMOUNT.fullmatch(texts[name]))
    return _currency_problem(texts[name].upper())


def find_duplicates(cursor, errors: ImportErrors) -> None:
    """Report each valid row that repeats an invoice line of an earlier row."""
    if connection.vendor == "postgresql":
        # Where no line repeats, as in most files, building a unique index (in
        # parallel) says so in half the time of the query that names the rows.
        # The index also reads the rows _check() deleted: their casts may fail.
        try:
            with transaction.atomic():
                cursor.execute(
                    f"CREATE UNIQUE INDEX ON {STAGING} "
                    "(invoice_number, (CAST(line_number AS integer)))"
                )
            return
        except (IntegrityError, DataError):
            pass
    room = max(errors.limit - len(errors.errors), 0)
    line = typed_cells()["line_number"]
    cursor.execute(
        f"""
        SELECT row_number, invoice_number, line_number, first_row,
               count(*) OVER () AS repeats
        FROM (
            SELECT s.row_number, s.invoice_number, {line} AS line_number,
                   min(s.row_number) OVER (
                       PARTITION BY s.invoice_number, {line}
                   ) AS first_row
            FROM {STAGING} s
        ) lines
        WHERE row_number <> first_row
        ORDER BY row_number
        LIMIT %s
        """,  # noqa: S608
        [max(room, 1)],
    )
    found = cursor.fetchall()
    for number, invoice, line, first_row, _repeats in found[:room]:
        errors.add(
            number,
            "line_number",
            _(
                "Invoice %(invoice)s line %(line)s is already in row %(row)d of "
                "this file; each invoice line may appear once."
            )
            % {"invoice": invoice, "line": line, "row": first_row},
        )
    if found:
        # The ones past the limit are counted, not described.
        errors.total += found[0][4] - min(room, len(found))


def _invoice_problem(invoice: str) -> str:
    if not invoice:
        return _("Enter the invoice number.")
    if len(invoice) > CODE_LENGTH:
        return _("The invoice number is longer than %(limit)d characters.") % {
            "limit": CODE_LENGTH
        }
    return _("The invoice number contains a NUL character, which is not allowed.")


def _sku_problem(sku: str) -> str:
    if not sku:
        return _("Enter the SKU.")
    if len(sku) > CODE_LENGTH:
        return _("The SKU is longer than %(limit)d characters.") % {
            "limit": CODE_LENGTH
        }
    return _("The SKU contains a NUL character, which is not allowed.")


def _amount_problem(amount: str, match: re.Match | None) -> str:
    if not amount:
        return _("Enter the amount, such as 1234.50.")
    if match is None:
        if _GROUPING.search(amount):
            return _(
                "Write the amount without thousands separators and with a point "
                "before the cents, such as 1234.50."
            )
        return _(
            "The amount is not a number. Write it with a point before the cents, "
            "such as 1234.50 or -99.90 for a return."
        )
    if len(match[2]) > MAX_AMOUNT_DIGITS:
        return _(
            "The amount is too large: it may have at most %(digits)d digits before "
            "the point."
        ) % {"digits": MAX_AMOUNT_DIGITS}
    return _("The amount has more than two decimal places.")


def _currency_problem(code: str) -> str:
    if not code:
        return _("Enter the currency as an ISO 4217 code, such as USD or CNY.")
    return _("“%(code)s” is not an ISO 4217 currency code, such as USD or CNY.") % {
        "code": code
    }
