"""The choice of a file's encoding that every import's upload form offers."""

from django import forms
from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from .encodings import codec_named, encoding_label

# Encodings spreadsheet programs save CSV in, by the language of the text.
ENCODINGS = [
    ("gb18030", _("Simplified Chinese (GB18030, GBK)")),
    ("big5", _("Traditional Chinese (Big5)")),
    ("shift_jis", _("Japanese (Shift_JIS)")),
    ("euc_kr", _("Korean (EUC-KR)")),
    ("cp1252", _("Western European (Windows-1252)")),
    ("cp1250", _("Central European (Windows-1250)")),
    ("cp1251", _("Cyrillic (Windows-1251)")),
]


def _default_label():
    return _("UTF-8, or else %(legacy)s") % {
        "legacy": encoding_label(codec_named(settings.IMPORT_LEGACY_ENCODING))
    }


class EncodingField(forms.ChoiceField):
    """Blank means: UTF-8 when the file is UTF-8, else the installation's default."""

    def __init__(self, **kwargs):
        super().__init__(
            label=_("Encoding of a CSV file"),
            required=False,
            choices=[("", lazy(_default_label, str)()), *ENCODINGS],
            help_text=_(
                "A file saved as UTF-8 is always read as UTF-8. Choose another "
                "encoding only when the names in the preview look garbled."
            ),
            **kwargs,
        )
