"""Files partners attach to their own records: an MDF claim's proof, a ticket's
attachments.

Each file is checked (an extension the record takes, within the size limit, its first
bytes what the extension says, as asset imports check theirs) and kept as a
`PortalDocument` for its partner only (`AccessLevel.OWNER`), or for staff only when it
belongs to an internal note, in a collection named for the record. It is downloaded
only through the checked document view: by that partner's users and staff; anybody
else gets a 404.
"""

from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from wagtail.models import Collection

import filetype

from partner_portal.partners.models import AccessLevel, Partner, User

from .models import PortalDocument

# Extensions a record takes, with what their content must be recognised as. None: a
# text format filetype cannot recognise, checked for NUL bytes instead.
EXTENSIONS = {
    "pdf": {"pdf"},
    "png": {"png"},
    "jpg": {"jpg"},
    "jpeg": {"jpg"},
    "webp": {"webp"},
    "xlsx": {"xlsx", "zip"},
    "docx": {"docx", "zip"},
    "csv": None,
    "txt": None,
    "log": None,
}
ACCEPT = ",".join(f".{extension}" for extension in EXTENSIONS)
SNIFF_BYTES = 64 * 1024


def _refuse_type(name: str) -> ValidationError:
    return ValidationError(
        _(
            "“%(name)s” cannot be attached: attach PDF files, PNG, JPEG or WebP "
            "images, XLSX, CSV or DOCX files, or text and log files."
        )
        % {"name": name},
        code="file_type",
    )


def owned_file_check(upload, *, max_bytes: int) -> None:
    """Raise ValidationError for a file a record does not take."""
    name = PurePath(upload.name).name
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension not in EXTENSIONS:
        raise _refuse_type(name)
    if upload.size > max_bytes:
        raise ValidationError(
            _("“%(name)s” is larger than the limit of %(limit)s for one file.")
            % {"name": name, "limit": filesizeformat(max_bytes)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    expected = EXTENSIONS[extension]
    if not head:
        matches = False
    elif expected is None:
        matches = b"\x00" not in head
    else:
        kind = filetype.guess(head)
        matches = kind is not None and kind.extension in expected
    if not matches:
        raise ValidationError(
            _(
                "The content of “%(name)s” is not what its extension says; attach "
                "the file as it was saved."
            )
            % {"name": name},
            code="file_content",
        )


def owned_files_check(files, *, max_bytes: int, max_files: int) -> None:
    """Raise ValidationError (every file's problem) unless each of `files` is taken
    and there are at most `max_files`."""
    if len(files) > max_files:
        raise ValidationError(
            _("Attach at most %(count)d files at once.") % {"count": max_files},
            code="too_many",
        )
    problems = []
    for upload in files:
        try:
            owned_file_check(upload, max_bytes=max_bytes)
        except ValidationError as error:
            problems.extend(error.error_list)
    if problems:
        raise ValidationError(problems)


def owned_collection(name: str) -> Collection:
    """The collection `name` under the root, made the first time it is needed."""
    root = Collection.get_first_root_node()
    # Locked so that two first uploads at once do not make two collections.
    Collection.objects.select_for_update().get(pk=root.pk)
    found = root.get_children().filter(name=name).first()
    return found or root.add_child(name=name)


def owned_file_store(
    *,
    upload,
    partner: Partner,
    by: User | None,
    collection: str,
    staff_only: bool = False,
) -> PortalDocument:
    """Keep `upload` (checked by `owned_file_check`) as a document of `partner`
    only, or of staff only."""
    document = PortalDocument(
        title=PurePath(upload.name).name[:255],
        file=upload,
        collection=owned_collection(collection),
        access_level=AccessLevel.STAFF if staff_only else AccessLevel.OWNER,
        owner_partner=None if staff_only else partner,
        uploaded_by_user=by,
    )
    document._set_document_file_metadata()
    document.full_clean()
    document.save()
    return document
