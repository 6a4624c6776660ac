"""Which encoding a CSV file is read in: decided, never guessed.

Charset detection (charset-normalizer, chardet) ranks a five-row Chinese file in
GB18030 as a Cyrillic or Thai code page, and a success message over mojibake is the
worst bug an import can have. So a file is UTF-8 when it is valid UTF-8, and else in
the encoding its user names or the installation's `IMPORT_LEGACY_ENCODING`;
detection only ever suggests an encoding in an error message.
"""

import codecs

from django.conf import settings
from django.utils.translation import gettext as _

import charset_normalizer

from .errors import TabularError

_GB_FAMILY = {"gb2312", "gbk", "gb18030"}


def decide_encoding(sample: bytes, named: str | None = None) -> str:
    """Name the Python codec a CSV file is read in, from its first bytes.

    Decided, never guessed: a UTF-8 byte order mark gives "utf-8-sig" (which drops
    the mark) and text that is valid UTF-8 gives "utf-8"; any other file is read
    in the encoding the user `named`, or else in the installation's
    `IMPORT_LEGACY_ENCODING` (GB18030 by default, as Excel saves CSV in China).
    Charset detection ranks a five-row Chinese file as a Cyrillic code page, so it
    only ever suggests an encoding in an error message (`suggest_encoding`). The
    sample may stop in the middle of a character. GB2312 and GBK are read as their
    superset GB18030.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    # Text in a CSV never holds NUL bytes; binary files and UTF-16 do.
    if b"\x00" in sample:
        raise TabularError(_unknown_encoding())
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample)
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    return codec_named(named or settings.IMPORT_LEGACY_ENCODING)


def codec_named(name: str) -> str:
    """The Python codec of an encoding a user or the settings name, checked.

    Raises `TabularError` for a name Python does not know and for encodings that
    spell a CSV's commas, quotes and line breaks other than ASCII does (UTF-16,
    EBCDIC), which would misread every row.
    """
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        raise TabularError(
            _("“%(name)s” is not an encoding we know.") % {"name": name}
        ) from None
    if codec in _GB_FAMILY:
        return "gb18030"
    if '\r\n,"'.encode(codec, errors="replace") != b'\r\n,"':
        raise TabularError(
            _("A CSV file cannot be read as %(encoding)s.")
            % {"encoding": encoding_label(codec)}
        )
    return codec


def _unknown_encoding() -> str:
    return _(
        "The file is not text in an encoding we recognise. "
        "Save it as “CSV UTF-8” and upload it again."
    )


def encoding_label(codec: str) -> str:
    """How people name a codec: "UTF-8", "GB18030", "CP1252"."""
    return "UTF-8" if codec.startswith("utf-8") else codec.upper().replace("_", "-")


def suggest_encoding(sample: bytes) -> str | None:
    """The legacy encoding charset detection ranks first for a sample, or None.

    Only ever named in a message for the user to choose: detection guesses short
    files wrong too often to decide.
    """
    for match in charset_normalizer.from_bytes(sample):
        try:
            codec = codec_named(match.encoding)
        except TabularError:
            continue
        if codec != "ascii" and not codec.startswith("utf"):
            return codec
    return None
