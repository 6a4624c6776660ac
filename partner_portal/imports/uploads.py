"""Uploaded import files, kept between the preview and the confirmation.

A file is stored in the default storage under `imports/`, named by a random token.
The session maps each token to its stored file and the name it was uploaded with,
so a request reaches only files its own session uploaded, and no path ever comes
from a form. Files are deleted once confirmed or cancelled; abandoned ones are
swept a day later. The default storage, not a local temporary directory, keeps
this working when web workers run on several machines.
"""

import datetime
import secrets
from dataclasses import dataclass
from pathlib import PurePath

from django.core.files.storage import default_storage
from django.utils import timezone

SESSION_KEY = "partner_imports"
FOLDER = "imports"
MAX_AGE = datetime.timedelta(days=1)
# Uploads one session may hold at once; older ones are discarded first.
MAX_PER_SESSION = 5


@dataclass(frozen=True)
class HeldUpload:
    token: str
    kind: str
    filename: str
    name: str
    # The encoding the user chose for a CSV file; empty: decided as usual.
    encoding: str = ""

    def open(self):
        return default_storage.open(self.name, "rb")


def upload_keep(request, *, kind: str, upload, encoding: str = "") -> HeldUpload:
    """Store an uploaded file for this session and return its handle."""
    _sweep()
    token = secrets.token_urlsafe(24)
    suffix = PurePath(upload.name).suffix.lower()
    name = default_storage.save(f"{FOLDER}/{token}{suffix}", upload)
    held = dict(request.session.get(SESSION_KEY, {}))
    held[token] = {
        "kind": kind,
        "filename": PurePath(upload.name).name,
        "name": name,
        "encoding": encoding,
    }
    while len(held) > MAX_PER_SESSION:
        oldest = next(iter(held))
        default_storage.delete(held.pop(oldest)["name"])
    request.session[SESSION_KEY] = held
    return HeldUpload(token=token, **held[token])


def upload_get(request, *, kind: str, token: str) -> HeldUpload | None:
    """This session's upload of `kind` under `token`, or None."""
    entry = request.session.get(SESSION_KEY, {}).get(token)
    if entry is None or entry["kind"] != kind:
        return None
    if not default_storage.exists(entry["name"]):
        return None
    return HeldUpload(token=token, **entry)


def upload_discard(request, held: HeldUpload) -> None:
    default_storage.delete(held.name)
    remaining = dict(request.session.get(SESSION_KEY, {}))
    remaining.pop(held.token, None)
    request.session[SESSION_KEY] = remaining


def _sweep() -> None:
    """Delete uploads that were never confirmed or cancelled."""
    try:
        _folders, files = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return
    cutoff = timezone.now() - MAX_AGE
    for filename in files:
        name = f"{FOLDER}/{filename}"
        try:
            if default_storage.get_modified_time(name) < cutoff:
                default_storage.delete(name)
        except FileNotFoundError:
            # Another request swept it first.
            continue
