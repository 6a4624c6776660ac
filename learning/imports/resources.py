"""The django-import-export resource of the certification-award import.

One award per row, found by its credential ID when the file gives one. The holder
is named by email address and must be a partner user; when someone imports (`by`),
only the users of the partners they may see count, and anyone else is reported
exactly as an unknown address, so a file reveals nothing about other partners.
Saving goes through `award_create()`, never import-export's own `save()`.
"""

import re

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


class CredentialIdInstanceLoader(BaseInstanceLoader):
    """Finds the stored awards of the file's credential IDs, all in one query."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        ids = {str(value).strip() for value in dataset["credential_id"] if value}
        self.awards = {
            award.credential_id: award
            for award in resource.get_queryset().filter(credential_id__in=ids)
        }

    def get_instance(self, row):
        return self.awards.get(str(row.get("credential_id") or "").strip())


class CertificationAwardResource(RowImportResource):
    """One award per row. A row whose credential ID is stored already is unchanged
    when it names the same holder, certification and dates, and an error otherwise:
    an import never changes an award."""

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
        instance_loader_class = CredentialIdInstanceLoader
        skip_unchanged = True
        report_skipped = True
        skip_html_diff = True
        use_transactions = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if self.by is not None:
            self.fields["user"].widget.partners = partners_visible_to(self.by)
        self.first_row_of_credential_id = {}
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
        if not credential_id or "credential_id" in errors:
            return
        first = self.first_row_of_credential_id.setdefault(
            credential_id, self._file_row
        )
        if first != self._file_row:
            errors["credential_id"] = [
                _("Row %(row)d has the same credential ID.") % {"row": first}
            ]
            return
        if self._before is None:
            return
        # The stored award: the same one only if every value of the row matches it.
        wrong = errors.keys() & {"user", "certification", "issued_at", "expires_at"}
        if wrong or self.current_values(instance) != self._before:
            errors["credential_id"] = [_("Another award has this credential ID.")]

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
