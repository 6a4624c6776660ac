"""The proof-of-performance files of an MDF claim: invoices, photos and attendee
lists, one to `MAX_FILES` of them, each at most `MDF_PROOF_MAX_BYTES`.

They are checked and kept as every file partners attach to their own records
(`resources.owned_files`): a `PortalDocument` for the claim's partner only, in the
"MDF proof" collection, downloaded only through the checked document view by that
partner's users and staff; anybody else gets a 404.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from partner_portal.partners.models import Partner, User
from partner_portal.resources.models import PortalDocument
from partner_portal.resources.owned_files import owned_file_store, owned_files_check

COLLECTION_NAME = "MDF proof"
PROOF_REQUIRED = gettext_lazy(
    "Attach at least one proof of performance: an invoice, photos of the activity "
    "or a list of attendees."
)
MAX_FILES = 10


def proofs_check(files) -> None:
    """Raise ValidationError (every file's problem) unless `files` are one to
    `MAX_FILES` files a claim takes."""
    if not files:
        raise ValidationError(PROOF_REQUIRED, code="required")
    owned_files_check(
        files, max_bytes=settings.MDF_PROOF_MAX_BYTES, max_files=MAX_FILES
    )


def proof_store(*, upload, partner: Partner, by: User | None) -> PortalDocument:
    """Keep `upload` (checked by `proofs_check`) as a document of `partner` only."""
    return owned_file_store(
        upload=upload, partner=partner, by=by, collection=COLLECTION_NAME
    )
