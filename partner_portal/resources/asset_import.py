"""Bulk import of assets: a ZIP of files plus manifest.csv or manifest.xlsx.

One code path serves the admin (dry run, then confirm) and `manage.py
import_assets`. The archive is checked before anything is unpacked (entry
names, entry count, unpacked size); the manifest is read with partners'
`open_table()` (encodings, XLSX entity refusal); every row is checked, and only
an archive without a single error is written, in one transaction. Rows are
matched by `key`: a re-import updates the asset and its document instead of
duplicating them.
"""

import datetime
import hashlib
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, BinaryIO

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

import filetype

from partner_portal.partners.models import AccessLevel, Product, Tier
from partner_portal.tabular.reading import ImportErrors, TabularError, open_table

from .models import (
    AssetLanguage,
    AssetPage,
    AssetType,
    PortalDocument,
    ResourceLibraryPage,
)

Progress = Callable[[int, str], Any]

MANIFEST_NAMES = ("manifest.csv", "manifest.xlsx")
REQUIRED_COLUMNS = ("key", "file", "title", "asset_type", "access_level")
OPTIONAL_COLUMNS = (
    "products",
    "language",
    "tags",
    "min_tier",
    "publish_at",
    "expires_at",
    "summary",
    "live",
)
COLUMNS = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
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


@dataclass(frozen=True)
class ImportLimits:
    max_entries: int = 2_000
    max_unpacked_bytes: int = 2 * 1024**3
    max_file_bytes: int = 200 * 1024**2
    max_manifest_bytes: int = 20 * 1024**2
    # An entry that inflates more than this many times is a ZIP bomb.
    max_ratio: int = 200
    ratio_from: int = 1024**2


DEFAULT_LIMITS = ImportLimits()


class Outcome:
    CREATED = gettext_lazy("New")
    UPDATED = gettext_lazy("Changed")
    ERROR = gettext_lazy("Error")


@dataclass
class RowOutcome:
    row: int
    key: str
    title: str
    outcome: str
    messages: list[str] = field(default_factory=list)
    values: dict = field(default_factory=dict)


@dataclass
class AssetImportReport:
    rows: list[RowOutcome] = field(default_factory=list)
    errors: ImportErrors = field(default_factory=ImportErrors)
    dry_run: bool = True
    written: bool = False
    # The codec a CSV manifest was read in; None for a workbook.
    encoding: str | None = None

    @property
    def created(self):
        return sum(1 for row in self.rows if row.outcome == Outcome.CREATED)

    @property
    def updated(self):
        return sum(1 for row in self.rows if row.outcome == Outcome.UPDATED)

    def sorted_errors(self):
        return sorted(self.errors.errors, key=lambda e: (e.row, e.column or ""))


def asset_import(
    *,
    file: BinaryIO,
    library: ResourceLibraryPage | None = None,
    user=None,
    dry_run: bool = True,
    limits: ImportLimits = DEFAULT_LIMITS,
    progress: Progress | None = None,
    encoding: str | None = None,
) -> AssetImportReport:
    """Check (and unless `dry_run`, write) every row of an asset archive.

    Raises `TabularError` when the archive or its manifest cannot be imported at
    all; row problems are in the report, and then nothing is written.
    """
    report = AssetImportReport(dry_run=dry_run)
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError):
        raise TabularError(_("The file is not a valid ZIP archive.")) from None
    with archive:
        entries = _checked_entries(archive, limits)
        manifest_name = _manifest_name(entries)
        manifest_info = entries[manifest_name]
        if manifest_info.file_size > limits.max_manifest_bytes:
            raise TabularError(
                _("The manifest is larger than the limit of %(limit)s.")
                % {"limit": filesizeformat(limits.max_manifest_bytes)}
            )
        manifest = io.BytesIO(
            _read(archive, manifest_info, limits, size=manifest_info.file_size)
        )
        table = open_table(
            manifest,
            filename=manifest_name,
            required=REQUIRED_COLUMNS,
            allowed=OPTIONAL_COLUMNS,
            errors=report.errors,
            max_bytes=limits.max_manifest_bytes,
            encoding=encoding,
        )
        report.encoding = table.encoding
        rows = list(table.rows)
        library = library or ResourceLibraryPage.objects.order_by("path").first()
        if library is None:
            raise TabularError(
                _("Create a resource library page before importing assets.")
            )
        checker = _RowChecker(entries, limits, report.errors)
        bar = progress(len(rows), _("Checking")) if progress else None
        for number, values in rows:
            report.rows.append(checker.check(number, values, archive))
            if bar:
                bar.update(1)
        if bar:
            bar.close()
        if report.errors or dry_run:
            return report
        _write(report, archive, entries, library, user, progress)
    report.written = True
    return report


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


def _read(archive, info, limits, size=None) -> bytes:
    # zipfile never inflates beyond the size the directory declares.
    with archive.open(info) as handle:
        return handle.read(size if size is not None else limits.max_file_bytes + 1)


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def _when(value: str):
    if not value:
        return None
    parsed = parse_datetime(value.replace("T", " "))
    if parsed is None:
        day = parse_date(value)
        if day is None:
            raise ValueError
        parsed = datetime.datetime.combine(day, datetime.time(0))
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


class _RowChecker:
    def __init__(self, entries, limits, errors):
        self.entries = entries
        self.limits = limits
        self.errors = errors
        self.keys = set()
        self.tiers = {tier.code: tier for tier in Tier.objects.all()}
        self.products = {
            product.name.lower(): product for product in Product.objects.all()
        }

    def check(self, number, values, archive) -> RowOutcome:
        messages: list[tuple[str, str]] = []

        def fail(column, message):
            messages.append((column, message))

        key = values["key"]
        if not key:
            fail("key", _("Every row needs a key."))
        elif len(key) > 100:
            fail("key", _("The key is longer than 100 characters."))
        elif key in self.keys:
            fail("key", _("This key appears on an earlier row of the manifest."))
        self.keys.add(key)
        title = values["title"]
        if not title:
            fail("title", _("Every row needs a title."))
        elif len(title) > 255:
            fail("title", _("The title is longer than 255 characters."))
        asset_type = values["asset_type"]
        if asset_type not in AssetType.values:
            fail(
                "asset_type",
                _("“%(value)s” is not an asset type. Use one of: %(codes)s.")
                % {"value": asset_type, "codes": ", ".join(AssetType.values)},
            )
        language = values.get("language", "") or AssetLanguage.ENGLISH
        if language not in AssetLanguage.values:
            fail(
                "language",
                _("“%(value)s” is not a language. Use one of: %(codes)s.")
                % {"value": language, "codes": ", ".join(AssetLanguage.values)},
            )
        access_level = values["access_level"]
        min_tier = None
        tier_code = values.get("min_tier", "")
        if access_level not in AccessLevel.values:
            fail(
                "access_level",
                _("“%(value)s” is not an access level. Use one of: %(codes)s.")
                % {"value": access_level, "codes": ", ".join(AccessLevel.values)},
            )
        elif access_level == AccessLevel.TIER:
            min_tier = self.tiers.get(tier_code)
            if min_tier is None:
                fail(
                    "min_tier",
                    _("“%(value)s” is not a tier. Use one of: %(codes)s.")
                    % {"value": tier_code, "codes": ", ".join(self.tiers)},
                )
        elif tier_code:
            fail(
                "min_tier", _("A minimum tier is only allowed with access level tier.")
            )
        products = []
        for name in _split(values.get("products", "")):
            product = self.products.get(name.lower())
            if product is None:
                fail("products", _("“%(value)s” is not a product.") % {"value": name})
            else:
                products.append(product)
        tags = _split(values.get("tags", ""))
        dates = {}
        for column in ("publish_at", "expires_at"):
            try:
                dates[column] = _when(values.get(column, ""))
            except ValueError:
                fail(column, _("Write the date as YYYY-MM-DD or YYYY-MM-DD HH:MM."))
                dates[column] = None
        if (
            dates["publish_at"]
            and dates["expires_at"]
            and dates["expires_at"] <= dates["publish_at"]
        ):
            fail("expires_at", _("The expiry date must come after the publish date."))
        live_text = values.get("live", "").lower()
        if live_text not in ("", "true", "false"):
            fail("live", _("Write true or false."))
        file_name = values["file"]
        info = None
        if file_name:
            info = self._check_file(file_name, archive, fail)
        existing = AssetPage.objects.filter(import_key=key).first() if key else None
        for column, message in messages:
            self.errors.add(number, column, message)
        outcome = (
            Outcome.ERROR
            if messages
            else (Outcome.UPDATED if existing is not None else Outcome.CREATED)
        )
        return RowOutcome(
            row=number,
            key=key,
            title=title,
            outcome=outcome,
            messages=[message for _column, message in messages],
            values={
                "key": key,
                "title": title,
                "asset_type": asset_type,
                "language": language,
                "access_level": access_level,
                "min_tier": min_tier,
                "products": products,
                "tags": tags,
                "summary": values.get("summary", ""),
                "live": live_text == "true",
                "info": info,
                **dates,
            },
        )

    def _check_file(self, file_name, archive, fail):
        name = str(PurePosixPath(file_name.replace("\\", "/")))
        info = self.entries.get(name)
        if info is None:
            fail(
                "file",
                _("The file “%(name)s” is not in the archive.") % {"name": file_name},
            )
            return None
        if info.file_size > self.limits.max_file_bytes:
            fail(
                "file",
                _("The file “%(name)s” is larger than the limit of %(limit)s.")
                % {
                    "name": file_name,
                    "limit": filesizeformat(self.limits.max_file_bytes),
                },
            )
            return None
        extension = PurePosixPath(name).suffix.lower().lstrip(".")
        if extension not in EXTENSIONS:
            fail(
                "file",
                _("Files of type “.%(extension)s” cannot be imported.")
                % {"extension": extension},
            )
            return None
        head = _read(archive, info, self.limits, size=SNIFF_BYTES)
        expected = EXTENSIONS[extension]
        if expected is None:
            matches = b"\x00" not in head
        else:
            kind = filetype.guess(head)
            matches = kind is not None and kind.extension in expected
        if not matches:
            fail(
                "file",
                _("The content of “%(name)s” does not match its extension.")
                % {"name": file_name},
            )
            return None
        return info


def _write(report, archive, entries, library, user, progress):
    bar = progress(len(report.rows), _("Importing")) if progress else None
    with transaction.atomic():
        for row in report.rows:
            _write_row(row.values, archive, library, user)
            if bar:
                bar.update(1)
    if bar:
        bar.close()


def _write_row(values, archive, library, user):
    page = AssetPage.objects.filter(import_key=values["key"]).first()
    document = _document(values, archive, page.document if page else None, user)
    is_new = page is None
    if is_new:
        page = AssetPage(import_key=values["key"], live=False)
    page.title = values["title"]
    page.asset_type = values["asset_type"]
    page.language = values["language"]
    page.access_level = values["access_level"]
    page.min_tier = values["min_tier"]
    page.summary = values["summary"]
    page.publish_at = values["publish_at"]
    page.expires_at = values["expires_at"]
    if document is not None:
        page.document = document
    if is_new:
        page.slug = _free_slug(library, values["key"])
        library.add_child(instance=page)
    page.products.set(values["products"])
    page.tags.set(values["tags"], clear=True)
    page.full_clean()
    page.save()
    revision = page.save_revision(user=user, log_action=True)
    if values["live"]:
        revision.publish(user=user)
    elif page.live:
        page.unpublish(user=user)


def _free_slug(library, key):
    base = slugify(key, allow_unicode=True)[:240] or "asset"
    slug, n = base, 1
    while library.get_children().filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _document(values, archive, current, user):
    info = values["info"]
    if info is None:
        return current
    with archive.open(info) as handle:
        content = handle.read()
    digest = hashlib.sha1(content, usedforsecurity=False).hexdigest()
    document = current or PortalDocument(uploaded_by_user=user)
    document.title = values["title"]
    document.access_level = values["access_level"]
    document.min_tier = values["min_tier"]
    if current is None or current.file_hash != digest:
        filename = PurePosixPath(info.filename).name
        document.file = ContentFile(content, name=filename)
        document.file_size = len(content)
        document.file_hash = digest
    document.full_clean(exclude=["file"])
    document.save()
    return document
