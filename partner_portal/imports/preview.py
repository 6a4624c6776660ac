"""What every import's preview page shows the same way, before anything is written."""

from django.utils.translation import gettext as _

from partner_portal.tabular.encodings import encoding_label

# A preview lists this many rows; its counts and errors cover the whole file.
PREVIEW_ROWS = 1_000


def encoding_note(codec: str | None) -> str:
    """The sentence a preview shows about the encoding a CSV file was read in."""
    if not codec:
        return ""
    return _(
        "The file was read as %(encoding)s text. If any name below looks garbled, "
        "upload the file again and choose its encoding."
    ) % {"encoding": encoding_label(codec)}
