"""The django-import-export resource of the certification-award import.

One award per row, found by its credential ID when the file gives one, else by
its holder, certification and issue date, so a file imported twice adds nothing
the second time (a row left without a credential ID included). The holder
is named by email address and must be a partner user; when someone imports (`by`),
only the users of the partners they may see count, and anyone else is reported
exactly as an unknown address, so a file reveals nothing about other partners.
Saving goes through `award_create()`, never import-export's own `save()`.
"""

import re
from datetime import date

from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from import_export import fields, widgets
from import_export.instance_loaders import BaseInstanceLoader

from partner_portal.imports.resources import (
    IsoDateWidget,
    LookupWidget,
    RowImportResource,
)
from partner_portal.partners.models import User
from partner_portal.partners.permissions import partners_visible_to

from ..models import Certification, CertificationAward
from ..models.certifications import AwardSource
from ..services import award_create

REQUIRED_COLUMNS = ("email", "certification_code", "issued_at", "expires_at")
OPTIONAL_COLUMNS = ("credential_id",)
# Not a column of the file: the resource adds it to the dataset with each holder's
# name, for the preview (see `CertificationAwardResource.after_import`).
HOLDER_COLUMN = "holder"
CREDENTIAL_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


class HolderWidget(LookupWidget):
    """A partner user named by email address, without regard to case.

    `partners` (None: every partner) are those whose users may be named; anyone
    else is not found at all, as if no user had the address.
    """

    def __init__(self):
        super().__init__(User, "email")
        self.partners = None

    def find(self, key):
        users = User.objects.filter(email__iexact=key).select_related(
            "membership__partner"
        )
        if self.partners is not None:
            users = users.filter(membership__partner__in=self.partners)
        return users.first()

    def refuse(self, value, found):
        if found is None:
            return _("No user has this email address.")
        if getattr(found, "membership", None) is None:
            return _("This user does not belong to a partner.")
        return None


class CertificationWidget(LookupWidget):
    def __init__(self):
        super().__init__(Certification, "code", exact=True)

    def refuse(self, value, found):
        if found is None:
            return _("No certification has this code.")
        return None


class CredentialIdWidget(widgets.CharWidget):
    """A credential ID from the previous system; empty: the award gets a new one."""

    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip()
        if not value:
            return None
        if not CREDENTIAL_ID.match(value):
            raise ValueError(
                _(
                    "A credential ID has 8 to 64 letters, digits, hyphens or "
                    "underscores."
                )
            )
        return value


def award_key(row) -> tuple[str, str, date] | None:
    """What names an award without its credential ID: the holder's address (in
    lower case), the certification's code and the issue date; None when a cell of
    them is empty or no date."""
    email = (row.get("email") or "").strip().lower()
    code = (row.get("certification_code") or "").strip()
    try:
        issued_at = IsoDateWidget().clean(row.get("issued_at"))
    except ValueError:
        return None
    if not (email and code and issued_at):
        return None
    return email, code, issued_at


class StoredAwardLoader(BaseInstanceLoader):
    """Finds the stored award of every row, in two queries for the whole file.

    A row's award is the one with its credential ID; a row whose credential ID is
    not stored (or that has none) names the award the holder already has of that
    certification from that issue date, if any. Only the awards of the holders
    the importer may name are looked up by holder (see `HolderWidget`).
    """

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        rows = dataset.dict
        ids = {(row.get("credential_id") or "").strip() for row in rows} - {""}
        self.by_credential_id = {
            award.credential_id: award
            for award in resource.get_queryset().filter(credential_id__in=ids)
        }
        keys = {key for row in rows if (key := award_key(row))}
        self.by_key = {}
        if not keys:
            return
        awards = (
            resource.get_queryset()
            .annotate(holder_email=Lower("user__email"))
            .filter(
                holder_email__in={email for email, _code, _day in keys},
                certification__code__in={code for _email, code, _day in keys},
                issued_at__in={day for _email, _code, day in keys},
            )
            .order_by("pk")
        )
        partners = resource.fields["user"].widget.partners
        if partners is not None:
            awards = awards.filter(user__membership__partner__in=partners)
        for award in awards:
            key = (award.holder_email, award.certification.code, award.issued_at)
            # Awards imported twice before re-imports were matched: the first.
            self.by_key.setdefault(key, award)

    def get_instance(self, row):
        credential_id = (row.get("credential_id") or "").strip()
        award = self.by_credential_id.get(credential_id) if credential_id else None
        return award or self.by_key.get(award_key(row))


class CertificationAwardResource(RowImportResource):
    """One award per row, found as `StoredAwardLoader` says. A row whose award is
    stored already is unchanged when it says what that award says, and an error
    otherwise: an import never changes an award, so importing a file again changes
    nothing, with credential IDs or without."""

    key_column = "email"
    required_values = REQUIRED_COLUMNS

    user = fields.Field("user", "email", HolderWidget())
    certification = fields.Field(
        "certification", "certification_code", CertificationWidget()
    )
    issued_at = fields.Field("issued_at", "issued_at", IsoDateWidget())
    expires_at = fields.Field("expires_at", "expires_at", IsoDateWidget())
    # A new award keeps the credential ID the model made unless the file names one.
    credential_id = fields.Field(
        "credential_id",
        "credential_id",
        CredentialIdWidget(),
        saves_null_values=False,
    )

    class Meta:
        model = CertificationAward
        fields = ("user", "certification", "issued_at", "expires_at", "credential_id")
        import_id_fields = ("credential_id",)
        instance_loader_class = StoredAwardLoader
        skip_unchanged = True
        report_skipped = True
        skip_html_diff = True
        use_transactions = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if self.by is not None:
            self.fields["user"].widget.partners = partners_visible_to(self.by)
        self.first_row_of_credential_id = {}
        self.first_row_of_award = {}
        self.holders = {}
        self._file_row = None

    def get_queryset(self):
        return CertificationAward.objects.select_related("user", "certification")

    def normalise_key(self, value):
        # A holder may have many awards, so an email address may repeat; the
        # credential ID may not (see check_row).
        return ""

    def before_import(self, dataset, **kwargs):
        # The column is optional, but import-export needs its lookup column.
        if "credential_id" not in dataset.headers:
            dataset.append_col([""] * len(dataset), header="credential_id")

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        self._file_row = self.file_row(kwargs["row_number"])

    def check_row(self, instance, row, errors):
        if "user" not in errors:
            self.holders[self._file_row] = instance.user.get_full_name()
        if (
            not errors.keys() & {"issued_at", "expires_at"}
            and instance.issued_at
            and instance.expires_at
            and instance.expires_at <= instance.issued_at
        ):
            errors["expires_at"] = [
                _("The expiry date must come after the issue date.")
            ]
        credential_id = (row.get("credential_id") or "").strip()
        if credential_id and "credential_id" not in errors:
            first = self.first_row_of_credential_id.setdefault(
                credential_id, self._file_row
            )
            if first != self._file_row:
                errors["credential_id"] = [
                    _("Row %(row)d has the same credential ID.") % {"row": first}
                ]
                return
        key = award_key(row)
        if key is not None and not errors.keys() & {"user", "certification"}:
            first = self.first_row_of_award.setdefault(key, self._file_row)
            if first != self._file_row:
                errors.setdefault("issued_at", []).append(
                    _(
                        "Row %(row)d awards this certification to the same holder "
                        "on the same day."
                    )
                    % {"row": first}
                )
                return
        if self._before is not None:
            self.check_stored(instance, credential_id, errors)

    def check_stored(self, instance, credential_id, errors):
        """The stored award is the row's own only if every value of the row
        matches it."""
        wrong = errors.keys() & {"user", "certification", "issued_at", "expires_at"}
        if credential_id and credential_id == self._before["credential_id"]:
            # Found by its credential ID.
            if wrong or self.current_values(instance) != self._before:
                errors["credential_id"] = [_("Another award has this credential ID.")]
        elif wrong or "credential_id" in errors:
            return
        elif credential_id:
            errors["credential_id"] = [
                _(
                    "The holder already has this certification from the same "
                    "issue date, under another credential ID."
                )
            ]
        elif self.current_values(instance) != self._before:
            errors["expires_at"] = [
                _(
                    "The holder already has this certification from the same "
                    "issue date, expiring on %(day)s. An import does not change "
                    "an award."
                )
                % {"day": self._before["expires_at"]}
            ]

    def clean_exclude(self, errors):
        # The partner is the holder's, which award_create() sets.
        return {*errors, "partner"}

    def save_instance(self, instance, is_create, row, **kwargs):
        if self._is_dry_run(kwargs):
            return
        award = award_create(
            user=instance.user,
            certification=instance.certification,
            issued_at=instance.issued_at,
            expires_at=instance.expires_at,
            credential_id=instance.credential_id,
            source=AwardSource.IMPORTED,
        )
        instance.pk = award.pk

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        # The preview labels each row with its holder's name; a holder the
        # importer may not see has none.
        if HOLDER_COLUMN in dataset.headers:
            del dataset[HOLDER_COLUMN]
        dataset.append_col(
            [self.holders.get(number, "") for number in self.file_rows],
            header=HOLDER_COLUMN,
        )
