"""Answers before a ticket: library assets, lessons and policies that match the
subject a partner types, and the record of the ones they open (`Deflection`).

The answers come from the portal's search service (`search.query.search`) with the
request's audience, so they are exactly what `/search/` would show that user: its
audience filter sits inside the query. Each link is signed, so the redirect that
records the deflection only ever goes where a suggestion pointed, on this site.
"""

from django.core import signing
from django.core.exceptions import ValidationError

from partner_portal.partners.access import Audience
from search.query import search
from search.validators import validate_query

from .models import Deflection

SUGGESTED_KINDS = ("asset", "lesson", "policy")
MAX_SUGGESTIONS = 5
# Enough hits of every kind that five of the kinds above are among them.
SEARCHED = 20
MIN_QUERY_LENGTH = 3
_SALT = "support.deflection"


def answer_token(query: str, url: str, title: str) -> str:
    """The signed token of a suggested answer's link, which records the deflection."""
    return signing.dumps([query, url, title], salt=_SALT, compress=True)


def suggestions_for(*, audience: Audience, query: str) -> list[dict]:
    """Up to five answers to `query`: {"title", "kind", "url", "token"}."""
    query = " ".join(query.split())
    try:
        validate_query(query)
    except ValidationError:
        return []
    if len(query) < MIN_QUERY_LENGTH:
        return []
    result = search(audience=audience, query=query, per_page=SEARCHED)
    found = []
    for hit in result.hits:
        if hit.get("kind") not in SUGGESTED_KINDS or not hit.get("url"):
            continue
        found.append(
            {
                "title": hit["title"],
                "kind": hit["kind"],
                "url": hit["url"],
                "token": answer_token(query, hit["url"], hit["title"]),
            }
        )
        if len(found) == MAX_SUGGESTIONS:
            break
    return found


def deflection_record(*, token: str, user, partner) -> Deflection:
    """Record that `user` opened the suggestion `token` stands for; raises
    `signing.BadSignature` for a token we did not give."""
    query, url, title = signing.loads(token, salt=_SALT)
    return Deflection.objects.create(
        user=user, partner=partner, query=query[:200], url=url[:500], title=title[:255]
    )
