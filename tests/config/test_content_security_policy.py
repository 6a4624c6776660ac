"""Which Content-Security-Policy each part of the site answers with. The browser tests
(tests/browser/) check that nothing a page needs is refused under it."""

import pytest

from tests.factories import StaffFactory


def policy(response) -> dict[str, list[str]]:
    directives = response.headers["Content-Security-Policy"].split(";")
    return {name: sources for name, *sources in map(str.split, directives)}


@pytest.mark.django_db
def test_portal_pages_allow_only_the_sites_files_and_their_nonce(client):
    portal = policy(client.get("/accounts/login/"))

    # The page's nonce (the branding colour's style element carries it), and no
    # 'unsafe-inline': an inline script or style without it is refused.
    for directive in ("script-src", "style-src"):
        own, nonce = portal[directive]
        assert own == "'self'"
        assert nonce.startswith("'nonce-")
    assert portal["object-src"] == ["'none'"]
    assert portal["base-uri"] == ["'self'"]


@pytest.mark.django_db
def test_the_admin_allows_inline_scripts_and_styles_and_never_eval(client):
    client.force_login(StaffFactory(is_superuser=True))
    admin = policy(client.get("/admin/"))

    assert admin["script-src"] == ["'self'", "'unsafe-inline'"]
    assert admin["style-src"] == ["'self'", "'unsafe-inline'"]
    assert admin["object-src"] == ["'none'"]


@pytest.mark.django_db
def test_the_apis_pages_allow_inline_styles_and_no_inline_script(client):
    for url in ["/api/docs/", "/api/redoc/", "/api/docs/?script="]:
        api = policy(client.get(url))

        assert api["script-src"] == ["'self'"], url
        assert api["style-src"] == ["'self'", "'unsafe-inline'"], url
