"""Recording searches and clicks for the editors' report."""

from django.core import signing

from .models import SearchClick, SearchQuery, SearchSource

_CLICK_SALT = "search.click"


def normalise(text: str) -> str:
    """One spelling per query, so the report groups `VPN  Guide` with `vpn guide`."""
    return " ".join(text.split()).lower()[:200]


def search_query_record(*, text: str, result, user, source: SearchSource) -> None:
    """Record a search the user ran; `result` is what search.query.search gave.

    A search counts once, on its first page: paging on is not a new search.
    """
    if result.page != 1:
        return
    SearchQuery.objects.create(
        text=normalise(text),
        results=result.total,
        source=source,
        user=user if user is not None and user.is_authenticated else None,
    )


def click_token(*, text: str, hit: dict) -> str:
    """A signed token for one result link: the click view trusts only what we sent,
    so it never redirects elsewhere and nobody forges clicks for other results."""
    return signing.dumps(
        [normalise(text), hit["kind"], hit["object_id"], hit.get("url") or ""],
        salt=_CLICK_SALT,
        compress=True,
    )


def search_click_record(*, token: str) -> SearchClick:
    """Record the click a token stands for; raises signing.BadSignature if forged."""
    text, kind, object_id, url = signing.loads(token, salt=_CLICK_SALT)
    if not url:
        raise signing.BadSignature("The result has no address.")
    return SearchClick.objects.create(
        text=text, kind=kind, object_id=object_id, url=url
    )
