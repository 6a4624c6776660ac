"""The upload form of every file import, the sales ledger's included."""

from pathlib import PurePath

from django import forms
from django.utils.translation import gettext_lazy

from partner_portal.request_limits import validate_upload_size
from partner_portal.tabular.forms import EncodingField

from .services import Upload


class ImportFileForm(forms.Form):
    """A file and the encoding to read it in. `upload` says which suffixes and
    what size it accepts, checked here before anything is stored (a plain .csv or
    .xlsx file when none is given), and the help shown under the file field."""

    file = forms.FileField(label=gettext_lazy("File"))
    encoding = EncodingField()

    def __init__(self, *args, upload: Upload | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.upload = upload if upload is not None else Upload()
        self.fields["file"].help_text = self.upload.help_text

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if PurePath(upload.name).suffix.lower() not in self.upload.suffixes:
            raise forms.ValidationError(self.upload.refusal)
        validate_upload_size(upload, self.upload.max_bytes)
        return upload
