"""The certification-award import as a kind of the shared import framework.

It needs the permission to add awards. Holders are limited to the users of the
partners the importer may see (see `resources`), so a channel account manager may
import the awards of their own partners' users.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partner_portal.imports.services import ImportKind

from ..models import Certification
from .resources import (
    HOLDER_COLUMN,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    CertificationAwardResource,
)


def award_column_notes() -> dict[str, str]:
    codes = Certification.objects.order_by("code").values_list("code", flat=True)
    return {
        "email": _(
            "The holder's email address (upper and lower case alike); the holder "
            "must be a user of a partner you may see."
        ),
        "certification_code": _("One of: %(codes)s.") % {"codes": ", ".join(codes)},
        "issued_at": _("A date written YYYY-MM-DD."),
        "expires_at": _(
            "A date written YYYY-MM-DD, after the date the award was issued."
        ),
        "credential_id": _(
            "The award's credential ID in the previous system: 8 to 64 letters, "
            "digits, hyphens or underscores. Left empty, the award gets a new one, "
            "unless the holder already has this certification from the same issue "
            "date. A row that matches a stored award, by its credential ID or by "
            "its holder, certification and issue date, leaves that award unchanged."
        ),
    }


CERTIFICATION_AWARDS = ImportKind(
    name="certification_awards",
    resource_class=CertificationAwardResource,
    required=REQUIRED_COLUMNS,
    optional=OPTIONAL_COLUMNS,
    # The resource puts each holder's name in this column, for the preview.
    label_columns=(HOLDER_COLUMN,),
    permissions=("learning.add_certificationaward",),
    key_label=gettext_lazy("Email"),
    label_label=gettext_lazy("Holder"),
    column_notes=award_column_notes,
)
