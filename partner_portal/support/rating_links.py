"""The link in a resolved ticket's email that rates it without signing in.

The link carries the ticket's id signed with Django's signing (its own salt), so
nobody can make one for another ticket; it expires after `VALID_FOR`, and works once:
a ticket takes one rating.
"""

import datetime as dt

from django.core import signing
from django.urls import reverse

SALT = "support.rating-link"
VALID_FOR = dt.timedelta(days=14)


def rating_link(ticket) -> str:
    """The rating page's address (path only) for `ticket`."""
    token = signing.dumps({"ticket": ticket.pk}, salt=SALT)
    return reverse("ticket-rate-link", args=[token])


def ticket_id_of(token: str) -> int:
    """The id of the ticket a link's token stands for; raises
    `signing.SignatureExpired` when older than `VALID_FOR` and
    `signing.BadSignature` when forged or damaged."""
    return int(signing.loads(token, salt=SALT, max_age=VALID_FOR)["ticket"])
