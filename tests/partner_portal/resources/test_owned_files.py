"""Files partners attach to their own records: checked, kept for that partner only."""

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

import pytest

from partner_portal.partners.models import AccessLevel
from partner_portal.resources.demo import demo_pdf
from partner_portal.resources.owned_files import owned_file_store, owned_files_check
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def upload(name, content):
    return SimpleUploadedFile(name, content)


def test_each_refused_file_is_named_with_its_reason():
    files = [
        upload("invoice.pdf", demo_pdf("Invoice")),
        upload("setup.exe", b"MZ\x90\x00"),
        upload("photo.png", b"%PDF-1.4 not a picture"),
        upload("big.csv", b"a,b\n" * 1000),
    ]
    with pytest.raises(ValidationError) as refused:
        owned_files_check(files, max_bytes=2000, max_files=5)

    messages = refused.value.messages
    assert len(messages) == 3
    assert "setup.exe" in messages[0] and "cannot be attached" in messages[0]
    assert "photo.png" in messages[1] and "not what its extension says" in messages[1]
    assert "big.csv" in messages[2] and "larger than the limit" in messages[2]


def test_too_many_files_are_refused_at_once():
    files = [upload(f"{n}.txt", b"log line") for n in range(3)]
    with pytest.raises(ValidationError, match="at most 2 files"):
        owned_files_check(files, max_bytes=2000, max_files=2)


def test_a_stored_file_is_for_its_partner_only_or_for_staff_only():
    partner = PartnerFactory()
    mine = owned_file_store(
        upload=upload("invoice.pdf", demo_pdf("Invoice")),
        partner=partner,
        by=None,
        collection="MDF proof",
    )
    note = owned_file_store(
        upload=upload("trace.log", b"stack trace"),
        partner=partner,
        by=None,
        collection="Ticket attachments",
        staff_only=True,
    )

    assert (mine.access_level, mine.owner_partner) == (AccessLevel.OWNER, partner)
    assert mine.collection.name == "MDF proof"
    assert (note.access_level, note.owner_partner) == (AccessLevel.STAFF, None)
