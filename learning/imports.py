"""Import of historical certification awards from a previous system.

Columns: email, certification_code, issued_at, expires_at, credential_id (may be
blank: a new one is made). The file is read with `tabular.reading.open_table()`
(encodings, XLSX safety) and every row is checked before anything is written;
a file with a single error writes nothing. Rows are then created in one
transaction, each through `award_create()` with `full_clean()`.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, BinaryIO

from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from partner_portal.partners.models import Partner, PartnerMembership, User
from partner_portal.tabular.reading import ImportErrors, RowError, open_table

from .models import Certification, CertificationAward
from .models.certifications import AwardSource
from .services import award_create

REQUIRED_COLUMNS = ("email", "certification_code", "issued_at", "expires_at")
OPTIONAL_COLUMNS = ("credential_id",)
CREDENTIAL_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")

Progress = Callable[[int, str], Any]


@dataclass(frozen=True)
class AwardRow:
    row: int
    user: User
    certification: Certification
    issued_at: date
    expires_at: date
    credential_id: str


@dataclass
class AwardImportReport:
    filename: str
    dry_run: bool
    rows: list[AwardRow] = field(default_factory=list)
    unchanged: int = 0
    errors: ImportErrors = field(default_factory=ImportErrors)
    # The codec a CSV file was read in; None for a workbook.
    encoding: str | None = None

    @property
    def created(self) -> int:
        return len(self.rows)

    @property
    def written(self) -> bool:
        return not self.dry_run and not self.errors

    def sorted_errors(self) -> list[RowError]:
        return sorted(self.errors.errors, key=lambda error: error.row)


def _date(value: str, column: str, number: int, errors: ImportErrors) -> date | None:
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        errors.add(
            number,
            column,
            _("Enter the date as YYYY-MM-DD, such as 2025-03-31."),
        )
        return None


def certifications_import(
    *,
    file: BinaryIO,
    filename: str,
    dry_run: bool,
    progress: Progress | None = None,
    encoding: str | None = None,
    partners: QuerySet[Partner] | None = None,
) -> AwardImportReport:
    """Check every row, then (unless a dry run or any row is wrong) create them all.

    `partners` limits the holders to the users of those partners (a channel account
    manager's own); anyone else is reported as unknown, revealing nothing. Raises
    `TabularError` for a file that cannot be read at all.
    """
    members = PartnerMembership.objects.all()
    if partners is not None:
        members = members.filter(partner__in=partners)
    report = AwardImportReport(filename=filename, dry_run=dry_run)
    errors = report.errors
    table = open_table(
        file,
        filename=filename,
        required=REQUIRED_COLUMNS,
        allowed=OPTIONAL_COLUMNS,
        errors=errors,
        encoding=encoding,
    )
    report.encoding = table.encoding
    certifications = {c.code: c for c in Certification.objects.all()}
    seen_ids: dict[str, int] = {}
    bar = progress(0, _("Checking rows")) if progress else None
    for number, values in table.rows:
        if bar is not None:
            bar.update(1)
        errors_before = errors.total
        email = values["email"]
        user = (
            User.objects.annotate(email_lower=Lower("email"))
            .filter(email_lower=email.lower())
            .first()
            if email
            else None
        )
        if user is not None and partners is not None:
            user = user if members.filter(user=user).exists() else None
        if user is None:
            errors.add(number, "email", _("No user has this email address."))
        elif not members.filter(user=user).exists():
            errors.add(number, "email", _("This user does not belong to a partner."))
            user = None
        certification = certifications.get(values["certification_code"])
        if certification is None:
            errors.add(
                number, "certification_code", _("No certification has this code.")
            )
        issued_at = _date(values["issued_at"], "issued_at", number, errors)
        expires_at = _date(values["expires_at"], "expires_at", number, errors)
        if issued_at and expires_at and expires_at <= issued_at:
            errors.add(
                number,
                "expires_at",
                _("The expiry date must come after the issue date."),
            )
        credential_id = values.get("credential_id", "")
        if credential_id:
            if not CREDENTIAL_ID.match(credential_id):
                errors.add(
                    number,
                    "credential_id",
                    _(
                        "A credential ID has 8 to 64 letters, digits, hyphens "
                        "or underscores."
                    ),
                )
            elif credential_id in seen_ids:
                errors.add(
                    number,
                    "credential_id",
                    _("Row %(row)d has the same credential ID.")
                    % {"row": seen_ids[credential_id]},
                )
            else:
                seen_ids[credential_id] = number
                existing = CertificationAward.objects.filter(
                    credential_id=credential_id
                ).first()
                if existing is not None:
                    same = (
                        user is not None
                        and certification is not None
                        and (existing.user_id, existing.certification_id)
                        == (user.pk, certification.pk)
                        and (existing.issued_at, existing.expires_at)
                        == (issued_at, expires_at)
                    )
                    if same:
                        report.unchanged += 1
                        continue
                    errors.add(
                        number,
                        "credential_id",
                        _("Another award has this credential ID."),
                    )
        if errors.total == errors_before:
            report.rows.append(
                AwardRow(
                    number, user, certification, issued_at, expires_at, credential_id
                )
            )
    if bar is not None:
        bar.close()
    if errors or dry_run:
        return report
    with transaction.atomic():
        for row in report.rows:
            award_create(
                user=row.user,
                certification=row.certification,
                issued_at=row.issued_at,
                expires_at=row.expires_at,
                credential_id=row.credential_id or None,
                source=AwardSource.IMPORTED,
            )
    return report
