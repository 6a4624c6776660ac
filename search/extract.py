"""The text of attached files (PDF, DOCX, PPTX) for the index, within fixed bounds.

A hostile or broken file must exhaust neither memory nor time, nor stop indexing:
files larger than MAX_FILE_BYTES are not read, DOCX and PPTX files (ZIP archives) whose
members would unpack past MAX_UNPACKED_BYTES are refused before anything is inflated,
PDFs are read for MAX_PDF_PAGES pages and presentations for MAX_SLIDES slides, reading
stops after MAX_SECONDS, and the text is cut at MAX_CHARS characters. pypdf bounds
each stream's decompression on its own. Any failure is logged and yields no text, so
the item is indexed without it.
"""

import io
import logging
import time
import zipfile
from itertools import islice
from pathlib import PurePosixPath

logger = logging.getLogger(__name__)

MAX_CHARS = 100_000
MAX_FILE_BYTES = 30 * 1024 * 1024
MAX_UNPACKED_BYTES = 150 * 1024 * 1024
MAX_ZIP_MEMBERS = 10_000
MAX_PDF_PAGES = 300
MAX_SLIDES = 500
MAX_SECONDS = 10.0


class _Bounded:
    """Collects text until the character cap or the time limit is reached."""

    def __init__(self, max_chars: int):
        self.parts: list[str] = []
        self.room = max_chars
        self.deadline = time.monotonic() + MAX_SECONDS

    @property
    def full(self) -> bool:
        return self.room <= 0 or time.monotonic() > self.deadline

    def add(self, text: str) -> None:
        text = text.strip()
        if text and self.room > 0:
            self.parts.append(text[: self.room])
            self.room -= len(text) + 1

    def text(self) -> str:
        return "\n".join(self.parts)


def _pdf(data: io.BytesIO, out: _Bounded) -> None:
    from pypdf import PdfReader

    reader = PdfReader(data, strict=False)
    for page in islice(reader.pages, MAX_PDF_PAGES):
        out.add(page.extract_text())
        if out.full:
            return


def _check_archive(data: io.BytesIO) -> None:
    with zipfile.ZipFile(data) as archive:
        members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise ValueError(f"{len(members)} archive members")
    # zipfile never inflates a member past its declared size, so the sum is a bound.
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise ValueError(f"{unpacked} bytes unpacked")
    data.seek(0)


def _docx(data: io.BytesIO, out: _Bounded) -> None:
    import docx
    from docx.oxml.ns import qn

    _check_archive(data)
    # Every paragraph of the body, table cells included, in document order.
    for paragraph in docx.Document(data).element.body.iter(qn("w:p")):
        out.add(paragraph.text)
        if out.full:
            return


def _shape_texts(shapes):
    for shape in shapes:
        if shape.has_text_frame:
            yield shape.text_frame.text
        if getattr(shape, "has_table", False) and shape.has_table:
            for row in shape.table.rows:
                for cell in row.cells:
                    yield cell.text
        if hasattr(shape, "shapes"):  # a group
            yield from _shape_texts(shape.shapes)


def _pptx(data: io.BytesIO, out: _Bounded) -> None:
    from pptx import Presentation

    _check_archive(data)
    for slide in islice(Presentation(data).slides, MAX_SLIDES):
        for text in _shape_texts(slide.shapes):
            out.add(text)
            if out.full:
                return


READERS = {".pdf": _pdf, ".docx": _docx, ".pptx": _pptx}


def file_text(file, name: str, *, max_chars: int = MAX_CHARS) -> str:
    """The text of `file` (a binary file object) by the type its `name` says, or ""."""
    reader = READERS.get(PurePosixPath(name).suffix.lower())
    if reader is None:
        return ""
    try:
        data = io.BytesIO(file.read(MAX_FILE_BYTES + 1))
        if data.getbuffer().nbytes > MAX_FILE_BYTES:
            logger.warning("%s is too large to index its text.", name)
            return ""
        out = _Bounded(max_chars)
        reader(data, out)
    except Exception:
        # Whatever a broken file raises (parser, XML, ZIP or decoding errors), the
        # item is still indexed, without the file's text.
        logger.warning("Could not read the text of %s.", name, exc_info=True)
        return ""
    return out.text()


def stored_file_text(field_file, *, max_chars: int = MAX_CHARS) -> str:
    """The text of a stored file (a Django FieldFile); a file gone missing gives ""."""
    try:
        file = field_file.open("rb")
    except OSError:
        logger.warning("Could not open %s to index its text.", field_file.name)
        return ""
    with file:
        return file_text(file, field_file.name, max_chars=max_chars)
