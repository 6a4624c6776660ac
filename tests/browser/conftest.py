"""Browser tests: Playwright drives Debian's chromium against the live server."""

import os
from pathlib import Path

from django.conf import settings
from django.db import connections

import pytest
from playwright.sync_api import sync_playwright

from tests.snapshots import demo_seed

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests
# make around it are ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    assert Path(CHROMIUM).exists(), "Debian's chromium is missing: run `make test`"
    before = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        keep_serialized_contents(before)
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def keep_serialized_contents(before):
    """Give the connections the test code sees under Playwright the migrated database's
    snapshot the earlier connections held.

    Playwright's sync API marks its event loop as running in this thread between calls,
    and Django's connection handler keeps its connections per thread only until a loop
    runs: from then on they are new objects, per context. The snapshot pytest-django
    took for the serialized rollback is an attribute of the old ones, and without it a
    live-server test would restore nothing after the previous test's flush.
    """
    for alias, connection in before.items():
        snapshot = getattr(connection, "_test_serialized_contents", None)
        if snapshot is not None:
            connections[alias]._test_serialized_contents = snapshot


# Every frame of every page reports what the Content-Security-Policy refused, and
# counts the reports (a test can wait for one).
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation({
    page: document.location.href,
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: `${event.sourceFile}:${event.lineNumber}`,
  });
  window.reportedCspViolations = (window.reportedCspViolations || 0) + 1;
});
"""


@pytest.fixture
def csp_violations():
    """What the browser refused under the Content-Security-Policy during the test."""
    return []


@pytest.fixture
def page(browser, live_server, request, csp_violations):
    """A page of the live server; the test fails if the policy refused anything."""
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.expose_binding(
        "reportCspViolation",
        lambda _source, violation: csp_violations.append(violation),
    )
    context.add_init_script(REPORT_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{request.node.name}.png", full_page=True)
    context.close()
    assert csp_violations == [], "the Content-Security-Policy refused " + "; ".join(
        "{directive} ({blocked}) on {page} at {source}".format(**violation)
        for violation in csp_violations
    )


def pytest_collection_modifyitems(items):
    """Live-server tests empty every table when they end; serialized rollback puts back
    what the migrations created (tiers, Wagtail's root page and site...) before each."""
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(
                pytest.mark.django_db(transaction=True, serialized_rollback=True)
            )


@pytest.fixture
def demo_data(transactional_db, settings, tmp_path):
    """The demo data, its files in a MEDIA_ROOT of the test's own (the one a
    `media_root` fixture of the test chose, which is the same path)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    demo_seed()
