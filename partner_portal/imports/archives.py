"""Archive uploads: a ZIP of files whose manifest is the import's table.

A kind whose upload is `zip_upload()` accepts a .zip holding `manifest.csv` or
`manifest.xlsx` at its top level, and its rows name other files in the archive.
The archive is checked before anything is inflated (entry names, entry count,
unpacked size, compression ratio), because the directory at its end declares all
of that and a hostile archive is refused cheaply; the manifest is then read like
any uploaded table. The resource receives the open `Archive` as its `context`, to
check and read the files its rows name while the archive is still open.
"""

import io
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import BinaryIO

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partner_portal.tabular.reading import TabularError

from .services import Upload, UploadTable

MANIFEST_NAMES = ("manifest.csv", "manifest.xlsx")


@dataclass(frozen=True)
class ArchiveLimits:
    max_entries: int = 2_000
    max_unpacked_bytes: int = 2 * 1024**3
    max_file_bytes: int = 200 * 1024**2
    max_manifest_bytes: int = 20 * 1024**2
    # An entry that inflates more than this many times is a ZIP bomb.
    max_ratio: int = 200
    ratio_from: int = 1024**2


@dataclass(frozen=True)
class Archive:
    """An open ZIP archive whose entries passed the checks, by normalised name."""

    zip: zipfile.ZipFile
    entries: dict[str, zipfile.ZipInfo]
    limits: ArchiveLimits

    def entry(self, name: str) -> zipfile.ZipInfo:
        """The entry a row names, as written in the manifest; `ValueError` says
        why it cannot be used."""
        info = self.entries.get(_normalised(name))
        if info is None:
            raise ValueError(
                _("The file “%(name)s” is not in the archive.") % {"name": name}
            )
        if info.file_size > self.limits.max_file_bytes:
            raise ValueError(
                _("The file “%(name)s” is larger than the limit of %(limit)s.")
                % {"name": name, "limit": filesizeformat(self.limits.max_file_bytes)}
            )
        return info

    def head(self, info: zipfile.ZipInfo, size: int) -> bytes:
        with self.zip.open(info) as handle:
            return handle.read(size)

    def open(self, info: zipfile.ZipInfo):
        # zipfile never inflates beyond the size the directory declares, and
        # checks the CRC once the entry is read to its end.
        return self.zip.open(info)


@dataclass(frozen=True)
class ZipManifest:
    """`Upload.open_archive` for a ZIP with a manifest, within `limits`."""

    limits: ArchiveLimits = ArchiveLimits()

    @contextmanager
    def __call__(self, file: BinaryIO, filename: str):
        try:
            archive = zipfile.ZipFile(file)
        except (zipfile.BadZipFile, OSError):
            raise TabularError(_("The file is not a valid ZIP archive.")) from None
        with archive:
            entries = _checked_entries(archive, self.limits)
            name = _manifest_name(entries)
            info = entries[name]
            if info.file_size > self.limits.max_manifest_bytes:
                raise TabularError(
                    _("The manifest is larger than the limit of %(limit)s.")
                    % {"limit": filesizeformat(self.limits.max_manifest_bytes)}
                )
            with archive.open(info) as handle:
                manifest = io.BytesIO(handle.read(info.file_size))
            yield UploadTable(
                file=manifest,
                filename=name,
                context=Archive(zip=archive, entries=entries, limits=self.limits),
                max_bytes=self.limits.max_manifest_bytes,
            )


def zip_upload(
    *, limits: ArchiveLimits = ArchiveLimits(), max_bytes: int = 2 * 1024**3
) -> Upload:
    """The `ImportKind.upload` of a ZIP archive with a manifest."""
    return Upload(
        suffixes=(".zip",),
        max_bytes=max_bytes,
        help_text=gettext_lazy(
            "A .zip file holding the files and a manifest.csv or manifest.xlsx at "
            "its top level."
        ),
        refusal=gettext_lazy("Only .zip archives can be imported."),
        open_archive=ZipManifest(limits=limits),
    )


def _normalised(name: str) -> str:
    return str(PurePosixPath(name.replace("\\", "/")))


def _checked_entries(archive, limits) -> dict[str, zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > limits.max_entries:
        raise TabularError(
            _("The archive holds %(count)d entries; at most %(limit)d are allowed.")
            % {"count": len(infos), "limit": limits.max_entries}
        )
    if sum(info.file_size for info in infos) > limits.max_unpacked_bytes:
        raise TabularError(
            _("The archive unpacks to more than %(limit)s, which is too large.")
            % {"limit": filesizeformat(limits.max_unpacked_bytes)}
        )
    entries = {}
    for info in infos:
        name = info.filename
        path = PurePosixPath(name.replace("\\", "/"))
        if (
            name.startswith(("/", "\\"))
            or (len(name) > 1 and name[1] == ":")
            or ".." in path.parts
        ):
            raise TabularError(
                _(
                    "The archive entry “%(name)s” has an absolute path or “..”, "
                    "so the archive was refused."
                )
                % {"name": name}
            )
        if (
            info.file_size > limits.ratio_from
            and info.file_size > limits.max_ratio * max(info.compress_size, 1)
        ):
            raise TabularError(
                _(
                    "The archive entry “%(name)s” is compressed far more tightly "
                    "than a real file, so the archive was refused."
                )
                % {"name": name}
            )
        if not info.is_dir():
            entries[str(path)] = info
    return entries


def _manifest_name(entries) -> str:
    found = [name for name in MANIFEST_NAMES if name in entries]
    if len(found) != 1:
        raise TabularError(
            _(
                "The archive must hold exactly one manifest, manifest.csv or "
                "manifest.xlsx, at its top level."
            )
        )
    return found[0]
