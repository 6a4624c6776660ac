"""Bulk import of assets from a ZIP with a manifest: happy path and every refusal."""

import csv
import dataclasses
import io
import zipfile
from io import StringIO

from django.core.files.storage import FileSystemStorage
from django.core.management import CommandError, call_command

from wagtail.models import Page, PageLogEntry, Revision

import openpyxl
import pytest

from partner_portal.imports.archives import ArchiveLimits, zip_upload
from partner_portal.imports.services import Outcome, file_import
from partner_portal.partners.models import AccessLevel
from partner_portal.resources.asset_kind import ASSETS
from partner_portal.resources.demo import demo_pdf, demo_png
from partner_portal.resources.models import AssetPage, PortalDocument
from partner_portal.tabular.reading import TabularError
from search.models import OutboxEntry
from tests.chinese_files import NAMES, each_case

from .conftest import make_library

HEADER = [
    "key", "file", "title", "asset_type", "products", "language", "tags",
    "access_level", "min_tier", "publish_at", "expires_at", "summary", "live",
]  # fmt: skip
BROCHURE = {
    "key": "eg-brochure",
    "file": "files/brochure.pdf",
    "title": "Edge Gateway brochure",
    "asset_type": "brochure",
    "products": "Edge Gateway; Cloud Backup",
    "language": "en",
    "tags": "overview; launch",
    "access_level": "public",
    "min_tier": "",
    "publish_at": "2026-01-01",
    "expires_at": "2099-12-31 18:00",
    "summary": "Our gateway at a glance.",
    "live": "true",
}
PRICE_LIST = {
    **BROCHURE,
    "key": "eg-prices",
    "file": "files/logo.png",
    "title": "Gold price sheet",
    "asset_type": "price_list",
    "products": "Edge Gateway",
    "tags": "pricing",
    "access_level": "tier",
    "min_tier": "gold",
    "live": "false",
}
FILES = {"files/brochure.pdf": demo_pdf("Brochure"), "files/logo.png": demo_png()}


def manifest_csv(rows, header=HEADER, encoding="utf-8"):
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    return text.getvalue().encode(encoding)


def manifest_xlsx(rows, header=HEADER):
    workbook = openpyxl.Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append([row.get(column, "") for column in header])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def archive(
    rows=(BROCHURE, PRICE_LIST), files=None, manifest=None, name="manifest.csv"
):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(name, manifest if manifest is not None else manifest_csv(rows))
        for path, content in (FILES if files is None else files).items():
            zf.writestr(path, content)
    out.seek(0)
    return out


def import_archive(file, *, dry_run, limits=None, encoding=None):
    kind = ASSETS
    if limits is not None:
        kind = dataclasses.replace(ASSETS, upload=zip_upload(limits=limits))
    return file_import(
        kind,
        file=file,
        filename="assets.zip",
        by=None,
        dry_run=dry_run,
        encoding=encoding,
    )


def stored_files(media_root):
    return sorted(
        str(path.relative_to(media_root))
        for path in media_root.rglob("*")
        if path.is_file()
    )


def nothing_written():
    return not AssetPage.objects.exists() and not PortalDocument.objects.exists()


def test_dry_run_lists_every_row_and_writes_nothing(library):
    report = import_archive(archive(), dry_run=True)
    assert [(row.key, row.outcome.label) for row in report.rows] == [
        ("eg-brochure", "New"),
        ("eg-prices", "New"),
    ]
    assert not report.errors
    assert nothing_written()


def test_a_dry_run_leaves_no_page_revision_document_or_file_behind(library, media_root):
    def counts():
        return [
            model.objects.count()
            for model in (Page, Revision, PageLogEntry, OutboxEntry, PortalDocument)
        ]

    before = counts()

    report = import_archive(archive(), dry_run=True)

    # Every row was written as the real run writes it, then rolled back.
    assert [row.outcome for row in report.rows] == [Outcome.CREATED] * 2
    assert not report.written
    assert counts() == before
    assert stored_files(media_root) == []
    library.refresh_from_db()
    assert library.numchild == 0
    # Nothing of the dry run is in the way of the real run.
    assert import_archive(archive(), dry_run=False).written
    assert [page.get_parent().pk for page in AssetPage.objects.all()] == [
        library.pk
    ] * 2
    assert len(stored_files(media_root)) == 2


def test_an_archive_with_one_bad_file_stores_no_file(library, media_root):
    files = {**FILES, "files/logo.png": demo_pdf("not an image")}

    report = import_archive(archive(files=files), dry_run=False)

    assert [(error.row, error.column) for error in report.errors.errors] == [
        (3, "file")
    ]
    assert not report.written
    assert nothing_written()
    assert stored_files(media_root) == []


def test_a_file_that_cannot_be_stored_takes_the_stored_ones_with_it(
    library, media_root, monkeypatch
):
    save = FileSystemStorage._save
    saved = []

    def disk_full_on_the_second_file(storage, name, content):
        if saved:
            raise OSError(28, "No space left on device")
        saved.append(name)
        return save(storage, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", disk_full_on_the_second_file)

    with pytest.raises(OSError, match="No space left"):
        import_archive(archive(), dry_run=False)

    assert saved
    assert nothing_written()
    assert stored_files(media_root) == []


def test_import_creates_published_and_draft_assets_with_documents(library):
    report = import_archive(archive(), dry_run=False)
    assert report.written and report.created == 2
    brochure = AssetPage.objects.get(import_key="eg-brochure")
    assert brochure.live and brochure.get_parent().pk == library.pk
    assert brochure.access_level == AccessLevel.PUBLIC
    assert sorted(p.name for p in brochure.products.all()) == [
        "Cloud Backup",
        "Edge Gateway",
    ]
    assert sorted(t.name for t in brochure.tags.all()) == ["launch", "overview"]
    assert brochure.document.file.read().startswith(b"%PDF")
    assert brochure.expires_at.year == 2099
    prices = AssetPage.objects.get(import_key="eg-prices")
    assert not prices.live
    assert prices.min_tier.code == "gold"
    assert prices.document.access_level == AccessLevel.TIER
    assert prices.document.min_tier.code == "gold"


def test_reimport_updates_instead_of_duplicating(library):
    import_archive(archive(), dry_run=False)
    changed = {**BROCHURE, "title": "Edge Gateway brochure 2027"}
    report = import_archive(archive(rows=[changed, PRICE_LIST]), dry_run=False)
    assert [row.outcome for row in report.rows] == [Outcome.UPDATED, Outcome.UNCHANGED]
    assert report.rows[0].changes == ("title",)
    assert AssetPage.objects.count() == 2
    assert PortalDocument.objects.count() == 2
    brochure = AssetPage.objects.get(import_key="eg-brochure")
    assert brochure.title == "Edge Gateway brochure 2027"
    assert brochure.live


def test_reimporting_the_same_archive_changes_nothing(library):
    import_archive(archive(), dry_run=False)
    files = dict(PortalDocument.objects.values_list("pk", "file"))
    pages = dict(AssetPage.objects.values_list("pk", "live"))
    report = import_archive(archive(), dry_run=False)
    assert report.written
    assert [row.key for row in report.rows] == ["eg-brochure", "eg-prices"]
    assert report.created == 0
    assert dict(PortalDocument.objects.values_list("pk", "file")) == files
    assert dict(AssetPage.objects.values_list("pk", "live")) == pages
    assert sorted(AssetPage.objects.values_list("slug", flat=True)) == [
        "eg-brochure",
        "eg-prices",
    ]


@pytest.mark.parametrize(
    ("encoding", "title"),
    [
        ("utf-8", "边缘网关手册"),
        ("utf-8-sig", "边缘网关手册"),
        ("gb18030", "边缘网关手册"),
        ("gbk", "边缘网关手册"),
    ],
)
def test_manifest_encodings_are_read(library, encoding, title):
    manifest = manifest_csv([{**BROCHURE, "title": title}], encoding=encoding)
    import_archive(archive(manifest=manifest), dry_run=False)
    assert AssetPage.objects.get().title == title


def test_an_xlsx_manifest_is_read(library):
    manifest = manifest_xlsx([BROCHURE, PRICE_LIST])
    report = import_archive(
        archive(manifest=manifest, name="manifest.xlsx"), dry_run=False
    )
    assert report.created == 2


def row_refusal(library, rows, files=None, limits=None):
    kwargs = {"limits": limits} if limits else {}
    report = import_archive(archive(rows=rows, files=files), dry_run=False, **kwargs)
    assert not report.written
    assert nothing_written()
    return [(error.row, error.column, error.message) for error in report.errors.errors]


def test_a_file_named_but_absent_is_refused(library):
    errors = row_refusal(library, [BROCHURE], files={})
    assert errors == [
        (2, "file", "The file “files/brochure.pdf” is not in the archive.")
    ]


def test_unknown_tier_and_asset_type_are_refused(library):
    errors = row_refusal(
        library,
        [BROCHURE, {**PRICE_LIST, "min_tier": "diamond", "asset_type": "poster"}],
    )
    assert [(row, column) for row, column, _message in errors] == [
        (3, "asset_type"),
        (3, "min_tier"),
    ]
    assert "“diamond” is not a tier" in errors[1][2]


def test_content_not_matching_its_extension_is_refused(library):
    files = {"files/brochure.pdf": demo_png(), "files/logo.png": demo_png()}
    errors = row_refusal(library, [BROCHURE, PRICE_LIST], files=files)
    assert errors == [
        (
            2,
            "file",
            "The content of “files/brochure.pdf” does not match its extension.",
        )
    ]


def test_a_file_over_the_size_limit_is_refused(library):
    errors = row_refusal(library, [BROCHURE], limits=ArchiveLimits(max_file_bytes=100))
    assert errors[0][1] == "file"
    assert "larger than the limit" in errors[0][2]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ([c for c in HEADER if c != "asset_type"], "missing these columns: asset_type"),
        ([*HEADER, "colour"], "columns that are not allowed: colour"),
    ],
)
def test_missing_or_unknown_columns_are_refused(library, header, message):
    manifest = manifest_csv([BROCHURE], header=header)
    with pytest.raises(TabularError, match=message):
        import_archive(archive(manifest=manifest), dry_run=False)
    assert nothing_written()


@pytest.mark.parametrize("entry", ["/etc/evil.pdf", "files/../../evil.pdf", "C:/x.pdf"])
def test_entries_with_absolute_paths_or_dotdot_are_refused(library, entry):
    files = {**FILES, entry: demo_pdf("x")}
    with pytest.raises(TabularError, match=r"absolute path or “\.\.”"):
        import_archive(archive(files=files), dry_run=False)
    assert nothing_written()


def test_too_many_entries_are_refused(library):
    with pytest.raises(TabularError, match="at most 2 are allowed"):
        import_archive(archive(), dry_run=False, limits=ArchiveLimits(max_entries=2))
    assert nothing_written()


def test_too_large_unpacked_size_is_refused(library):
    with pytest.raises(TabularError, match="unpacks to more than"):
        import_archive(
            archive(),
            dry_run=False,
            limits=ArchiveLimits(max_unpacked_bytes=1000),
        )
    assert nothing_written()


def test_a_zip_bomb_entry_is_refused(library):
    files = {**FILES, "files/zeros.txt": b"\0" * (3 * 1024**2)}
    with pytest.raises(TabularError, match="compressed far more tightly"):
        import_archive(archive(files=files), dry_run=False)
    assert nothing_written()


def test_an_xlsx_manifest_with_entity_expansion_is_refused(library):
    manifest = manifest_xlsx([BROCHURE])
    source = zipfile.ZipFile(io.BytesIO(manifest))
    bomb = io.BytesIO()
    sheet = (
        '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
        + "".join(f'<!ENTITY a{n} "{"&a;" * 10}">' for n in range(5))
        + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        '2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&a4;'
        "</t></is></c></row></sheetData></worksheet>"
    )
    with zipfile.ZipFile(bomb, "w") as out:
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename == "xl/worksheets/sheet1.xml":
                content = sheet.encode()
            out.writestr(entry.filename, content)
    with pytest.raises(TabularError, match="declares XML entities"):
        import_archive(
            archive(manifest=bomb.getvalue(), name="manifest.xlsx"),
            dry_run=False,
        )
    assert nothing_written()


def test_a_zip_without_a_manifest_is_refused(library):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("files/brochure.pdf", demo_pdf("x"))
    with pytest.raises(TabularError, match="exactly one manifest"):
        import_archive(out, dry_run=False)


def test_the_command_checks_then_imports(library, tmp_path):
    path = tmp_path / "assets.zip"
    path.write_bytes(archive().getvalue())
    out = StringIO()
    call_command("import_assets", str(path), "--dry-run", stdout=out, stderr=StringIO())
    assert "Dry run, nothing was written: 2 new, 0 changed, 0 unchanged." in (
        out.getvalue()
    )
    assert nothing_written()
    out = StringIO()
    call_command("import_assets", str(path), stdout=out, stderr=StringIO())
    assert "Imported assets.zip: 2 new, 0 changed, 0 unchanged." in out.getvalue()
    assert AssetPage.objects.count() == 2


def test_the_command_imports_into_the_library_it_names(library, site_root, tmp_path):
    second = make_library(site_root, title="Second library", slug="second")
    path = tmp_path / "assets.zip"
    path.write_bytes(archive().getvalue())

    with pytest.raises(CommandError, match=r"No resource library has the page ID 0\."):
        call_command("import_assets", str(path), "--library", "0")
    call_command(
        "import_assets",
        str(path),
        "--library",
        str(second.pk),
        stdout=StringIO(),
        stderr=StringIO(),
    )

    assert {page.get_parent().pk for page in AssetPage.objects.all()} == {second.pk}


def test_the_command_reports_row_errors_and_fails(library, tmp_path):
    path = tmp_path / "assets.zip"
    path.write_bytes(archive(files={}).getvalue())
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_assets", str(path), stdout=StringIO(), stderr=err)
    assert "Row 2, column file" in err.getvalue()
    assert nothing_written()


@each_case
def test_chinese_titles_in_a_manifest_saved_by_excel_arrive_exactly(
    library, encoding, rows
):
    manifest = manifest_csv(
        [
            {**BROCHURE, "key": f"cn-{n}", "title": name, "tags": f"{name}; launch"}
            for n, name in enumerate(NAMES[:rows])
        ],
        encoding=encoding,
    )

    report = import_archive(archive(manifest=manifest), dry_run=False)

    assert report.written
    assert report.encoding == "gb18030"
    titles = AssetPage.objects.order_by("slug").values_list("title", flat=True)
    assert list(titles) == NAMES[:rows]
