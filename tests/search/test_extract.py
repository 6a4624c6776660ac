"""Assets are found by the words inside their PDF, DOCX and PPTX files, within bounds;
a broken or oversized file never stops the asset from being indexed."""

import io
import uuid

from django.core.files.base import ContentFile

from wagtail.models import Site

import pytest
from docx import Document as WordDocument
from fpdf import FPDF
from pptx import Presentation
from pptx.util import Inches

from partner_portal.partners.access import STAFF, audience_for
from partner_portal.partners.models import AccessLevel, Stage
from partner_portal.resources.models import AssetPage, PortalDocument
from search import extract
from search.client import get_client
from search.index import drain
from search.query import search
from tests.factories import tier
from tests.partner_portal.resources.conftest import make_library, publish

PUBLIC = {"access_level": AccessLevel.PUBLIC, "min_tier": None}


def pdf_bytes(*pages):
    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def docx_bytes(*paragraphs):
    document = WordDocument()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pptx_bytes(*slides):
    presentation = Presentation()
    for text in slides:
        slide = presentation.slides.add_slide(presentation.slide_layouts[6])
        box = slide.shapes.add_textbox(Inches(1), Inches(1), Inches(6), Inches(2))
        box.text_frame.text = text
    out = io.BytesIO()
    presentation.save(out)
    return out.getvalue()


@pytest.fixture
def library(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ELASTICSEARCH_INDEX_PREFIX = f"cplms-test-{uuid.uuid4().hex[:8]}"
    root = Site.objects.get(is_default_site=True).root_page
    yield make_library(root)
    get_client().indices.delete(
        index=f"{settings.ELASTICSEARCH_INDEX_PREFIX}-*", ignore_unavailable=True
    )


def attach(library, filename, content, *, access=PUBLIC, document_access=None):
    document = PortalDocument(title=filename, **(document_access or access))
    document.file = ContentFile(content, name=filename)
    document.save()
    asset = AssetPage(
        title=f"Asset {uuid.uuid4().hex[:6]}",
        asset_type="brochure",
        summary="A file for partners.",
        document=document,
        **access,
    )
    library.add_child(instance=asset)
    publish(asset)
    drain()
    return asset


def found(word, audience=STAFF):
    return {hit["title"] for hit in search(audience=audience, query=word).hits}


@pytest.mark.parametrize(
    ("filename", "make"),
    [("guide.pdf", pdf_bytes), ("guide.docx", docx_bytes), ("deck.pptx", pptx_bytes)],
)
def test_an_asset_is_found_by_a_word_inside_its_file(library, filename, make):
    asset = attach(library, filename, make("Introduction", "The quokkafile programme."))
    assert found("quokkafile") == {asset.title}
    [hit] = search(audience=STAFF, query="quokkafile").hits
    assert "<mark>quokkafile</mark>" in hit["snippet"]


def test_the_text_stops_at_the_character_cap(library):
    filler = ["lorem ipsum dolor sit amet " * 4] * (extract.MAX_CHARS // 100 + 50)
    asset = attach(
        library, "long.docx", docx_bytes("wombatearly", *filler, "wombatlate")
    )
    assert found("wombatearly") == {asset.title}
    assert not found("wombatlate")
    text = extract.file_text(io.BytesIO(docx_bytes("x", *filler, "y")), "long.docx")
    assert len(text) <= extract.MAX_CHARS


def test_only_the_first_pages_and_slides_are_read(library, monkeypatch):
    monkeypatch.setattr(extract, "MAX_PDF_PAGES", 2)
    monkeypatch.setattr(extract, "MAX_SLIDES", 2)
    pdf = attach(library, "p.pdf", pdf_bytes("one", "numbatsecond", "quollthird"))
    deck = attach(library, "d.pptx", pptx_bytes("one", "dugongsecond", "emuthird"))
    assert found("numbatsecond") == {pdf.title}
    assert not found("quollthird")
    assert found("dugongsecond") == {deck.title}
    assert not found("emuthird")


def test_an_archive_that_would_unpack_too_far_is_not_read(library, monkeypatch):
    monkeypatch.setattr(extract, "MAX_UNPACKED_BYTES", 20_000)
    asset = attach(library, "bomb.docx", docx_bytes("bilbyzip " * 5000))
    assert not found("bilbyzip")
    assert found(asset.title) == {asset.title}


@pytest.mark.parametrize("filename", ["broken.pdf", "broken.docx", "broken.pptx"])
def test_a_broken_file_is_logged_and_its_asset_still_indexed(library, caplog, filename):
    asset = attach(library, filename, b"%PDF-1.7 this is not really a file" * 10)
    assert found(asset.title) == {asset.title}
    assert f"Could not read the text of documents/{filename}" in caplog.text


def test_the_text_of_a_stricter_document_is_not_shown_through_the_asset(
    library, partner_user_at
):
    gold_only = {"access_level": AccessLevel.TIER, "min_tier": tier("gold")}
    asset = attach(
        library,
        "secret.pdf",
        pdf_bytes("The kiwisecret price list."),
        access={"access_level": AccessLevel.PARTNER, "min_tier": None},
        document_access=gold_only,
    )
    silver = audience_for(partner_user_at("silver", Stage.ACTIVE))
    assert found(asset.title, silver) == {asset.title}
    assert not found("kiwisecret", silver)
    assert not found("kiwisecret")


def test_replacing_the_file_reindexes_the_asset(library):
    asset = attach(library, "v1.docx", docx_bytes("possumold"))
    document = asset.document
    document.file = ContentFile(docx_bytes("possumnew"), name="v2.docx")
    document.save()
    drain()
    assert found("possumnew") == {asset.title}
    assert not found("possumold")
