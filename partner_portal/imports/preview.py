"""What every import's preview page shows the same way, before anything is written."""

from django.utils.translation import gettext as _

from partner_portal.tabular.encodings import encoding_label

# A preview lists this many rows; its counts and errors cover the whole file.
PREVIEW_ROWS = 1_000


def encoding_note(codec: str | None, *, archive: bool = False) -> str:
    """The sentence a preview shows about the encoding a CSV file (an archive's
    manifest, when `archive`) was read in."""
    if not codec:
        return ""
    if archive:
        message = _(
            "The manifest was read as %(encoding)s text. If any name below looks "
            "garbled, upload the archive again and choose its encoding."
        )
    else:
        message = _(
            "The file was read as %(encoding)s text. If any name below looks "
            "garbled, upload the file again and choose its encoding."
        )
    return message % {"encoding": encoding_label(codec)}
