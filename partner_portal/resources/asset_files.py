"""The files of imported assets: which types an asset may hold, and when they are
stored.

A manifest row's file becomes its asset's `PortalDocument`, and its content must
be what its extension says (checked on its first bytes). Stored files are the one
part of an import that no transaction rolls back, so while rows are checked and
saved a document's new file is only named (`PendingFiles.add`); `store()` writes
them once every row has passed, and deletes those already written if one fails.
"""

from pathlib import PurePosixPath

from django.core.files import File
from django.utils.translation import gettext as _

from wagtail.utils.file import hash_filelike

import filetype

# Extensions accepted, with what their content must be recognised as. None: a
# text format filetype cannot recognise, checked for NUL bytes instead.
EXTENSIONS = {
    "pdf": {"pdf"},
    "png": {"png"},
    "jpg": {"jpg"},
    "jpeg": {"jpg"},
    "gif": {"gif"},
    "webp": {"webp"},
    "mp4": {"mp4", "m4v"},
    "mov": {"mov"},
    "zip": {"zip"},
    "docx": {"docx", "zip"},
    "xlsx": {"xlsx", "zip"},
    "pptx": {"pptx", "zip"},
    "txt": None,
    "csv": None,
}
SNIFF_BYTES = 64 * 1024


def check_file_type(archive, info, name) -> None:
    """Raise `ValueError` for an entry whose type an asset may not hold, or whose
    content is not what its extension says; `name` as the manifest writes it."""
    extension = PurePosixPath(info.filename).suffix.lower().lstrip(".")
    if extension not in EXTENSIONS:
        raise ValueError(
            _("Files of type “.%(extension)s” cannot be imported.")
            % {"extension": extension}
        )
    head = archive.head(info, SNIFF_BYTES)
    expected = EXTENSIONS[extension]
    if expected is None:
        matches = b"\x00" not in head
    else:
        kind = filetype.guess(head)
        matches = kind is not None and kind.extension in expected
    if not matches:
        raise ValueError(
            _("The content of “%(name)s” does not match its extension.")
            % {"name": name}
        )


def file_digest(archive, info) -> str:
    """The entry's hash as Wagtail keeps it in `Document.file_hash`."""
    with archive.open(info) as handle:
        return hash_filelike(handle)


class PendingFiles:
    """The documents whose file an import replaces, and the entries they get."""

    def __init__(self, archive):
        self.archive = archive
        self.files = []

    def add(self, document, info, digest):
        # Named now, so that the document validates; its content is written by
        # store(). `digest` is None when it was not needed to tell a change.
        document.file = PurePosixPath(info.filename).name
        document.file_size = info.file_size
        document.file_hash = digest or ""
        self.files.append((document, info))

    def store(self):
        stored = []
        try:
            for document, info in self.files:
                with self.archive.open(info) as handle:
                    if not document.file_hash:
                        document.file_hash = hash_filelike(handle)
                    document.file.save(document.file.name, File(handle), save=False)
                    stored.append(document.file)
                document.save(update_fields=["file", "file_hash"])
        except BaseException:
            # The import's transaction rolls the documents back; their files go
            # with them.
            for file in stored:
                file.storage.delete(file.name)
            raise
