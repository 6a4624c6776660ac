"""Every page runs under its Content-Security-Policy with nothing refused.

The `page` fixture (conftest.py) fails any browser test during which the browser
refused something. These tests visit every kind of portal page, anonymously and as a
partner, under the portal's strict policy, and the admin's main pages under the
admin's.
"""

import datetime
import json
import uuid
from pathlib import Path

from django.utils import timezone

from wagtail.models import Locale

import pytest
from playwright.sync_api import expect

from learning.models import Certification, CourseIndexPage, CoursePage
from learning.services import award_create
from partner_portal.incentives.models import SalesRecord
from partner_portal.incentives.statements.selectors import statements_visible_to
from partner_portal.partners.models import AccessLevel, User
from partner_portal.resources.models import (
    AnnouncementPage,
    AssetPage,
    PolicyPage,
    PortalDocument,
    ResourceLibraryPage,
)
from search.client import get_client
from search.index import rebuild

pytestmark = pytest.mark.browser

DEMO = json.loads(Path("fixtures/demo/partners.json").read_text(encoding="utf-8"))


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def demo_site(media_root, demo_data, settings):
    """The demo data, searchable in an index of this test's own."""
    settings.ELASTICSEARCH_INDEX_PREFIX = f"cplms-test-{uuid.uuid4().hex[:8]}"
    rebuild()
    yield
    get_client().indices.delete(
        index=f"{settings.ELASTICSEARCH_INDEX_PREFIX}-*", ignore_unavailable=True
    )


def sign_in(page, username, login_url="/accounts/login/"):
    page.goto(login_url)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO["password"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_label("Password")).to_have_count(0)


def visit(page, url, status=200) -> dict[str, list[str]]:
    """Open `url`, which answers `status`; its Content-Security-Policy by directive."""
    response = page.goto(url)
    assert response.status == status, url
    directives = response.headers["content-security-policy"].split(";")
    return {name: sources for name, *sources in map(str.split, directives)}


def visit_portal(page, url, status=200):
    policy = visit(page, url, status)
    # Its own files, and what carries this response's nonce: nothing else inline.
    for directive in ("script-src", "style-src"):
        others = [
            source
            for source in policy[directive]
            if source != "'self'" and not source.startswith("'nonce-")
        ]
        assert others == [], (url, directive)
    # The portal's stylesheet applied: a header of its white, not the browser's none.
    header = page.locator(".site-header")
    expect(header).to_have_css("background-color", "rgb(255, 255, 255)")


def an_award_of(username):
    today = timezone.localdate()
    return award_create(
        user=User.objects.get(username=username),
        certification=Certification.objects.first(),
        issued_at=today,
        expires_at=today + datetime.timedelta(days=365),
    )


def test_an_inline_script_on_a_portal_page_is_refused_and_reported(
    page, csp_violations
):
    visit_portal(page, "/accounts/login/")
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "document.body.dataset.ran = 'yes'";
          document.body.append(script);
        }"""
    )
    expect(page.locator("body")).not_to_have_attribute("data-ran", "yes")
    page.wait_for_function("() => window.reportedCspViolations > 0")
    assert [violation["directive"] for violation in csp_violations] == [
        "script-src-elem"
    ]
    # Expected here; any other test fails on it.
    csp_violations.clear()


def test_the_pages_of_anonymous_visitors_run_under_the_portal_policy(page, demo_site):
    award = an_award_of("gold.user")
    public_asset = AssetPage.objects.live().filter(access_level=AccessLevel.PUBLIC)
    for url in [
        "/",
        "/accounts/login/",
        "/apply/",
        "/apply/thanks/",
        f"/verify/{award.credential_id}",
        "/accounts/invitation/MQ/not-a-token/",
        public_asset.first().url,
    ]:
        visit_portal(page, url)
    visit_portal(page, "/no-such-page/", status=404)
    visit_portal(page, f"/search/?q={public_asset.first().title}")
    expect(page.locator(".search-hits mark").first).to_be_visible()

    # A refused application shows its errors under the same policy.
    page.goto("/apply/")
    page.locator("form.form button[type=submit]").click()
    expect(page.locator("[role=alert]").first).to_be_visible()


def test_the_pages_of_a_partner_run_under_the_portal_policy(page, demo_site):
    award = an_award_of("gold.user")
    sign_in(page, "gold.user")
    course = CoursePage.objects.get(code="platform-basics", locale=Locale.get_default())
    sale = SalesRecord.objects.filter(partner__external_id="P-1003").first()
    statement = statements_visible_to(User.objects.get(username="gold.user")).first()
    line = statement.lines.order_by("number").first()
    partners_asset = AssetPage.objects.live().filter(access_level=AccessLevel.PARTNER)
    for url in [
        "/",
        ResourceLibraryPage.objects.live().first().url,
        partners_asset.first().url,
        AnnouncementPage.objects.live().first().url,
        PolicyPage.objects.live().first().url,
        "/resources/policies/pending/",
        "/learning/",
        CourseIndexPage.objects.live().first().url,
        course.url,
        "/search/?q=platform",
        "/sales/",
        f"/sales/{sale.pk}/",
        "/incentives/",
        f"/incentives/statements/{statement.pk}/",
        f"/incentives/statements/{statement.pk}/lines/{line.number}/",
        "/company/",
        "/company/users/",
        f"/verify/{award.credential_id}",
    ]:
        visit_portal(page, url)

    visit_portal(page, course.url)
    page.get_by_role("button", name="Enrol in this course").click()
    expect(page.get_by_role("button", name="Mark this lesson complete")).to_be_visible()
    visit_portal(page, f"{course.url}quiz/")
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_role("button", name="Submit your answers")).to_be_visible()


def test_the_admins_main_pages_run_under_the_admin_policy(page, demo_site):
    """The admin runs inline scripts, so its policy allows them, and nothing else
    unsafe: no page of it evaluates strings as code."""
    sign_in(page, "admin", login_url="/admin/login/")
    course = CoursePage.objects.get(code="platform-basics", locale=Locale.get_default())
    policy = PolicyPage.objects.live().first()
    for url in [
        "/admin/",
        "/admin/pages/",
        f"/admin/pages/{course.pk}/edit/",
        f"/admin/pages/{policy.pk}/edit/",
        "/admin/snippets/learning/learningpath/",
        "/admin/snippets/learning/learningpath/add/",
        "/admin/partner/",
        "/admin/incentives/sales/",
        "/admin/reports/sales-by-month/",
        "/admin/search-status/",
        "/admin/images/",
        "/admin/documents/",
    ]:
        assert "'unsafe-eval'" not in visit(page, url)["script-src"], url

    # A new asset's editor, with date pickers, and its document chooser in a modal.
    library = ResourceLibraryPage.objects.live().first()
    visit(page, f"/admin/pages/add/resources/assetpage/{library.pk}/")
    page.get_by_role("button", name="Choose a document").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading", name="Choose a document")).to_be_visible()
    document = PortalDocument.objects.order_by("title").first()
    dialog.get_by_role("link", name=document.title, exact=True).first.click()
    expect(page.locator("[data-chooser-title]").first).to_have_text(document.title)

    # A page's preview, in the editor's side panel.
    visit(page, f"/admin/pages/{policy.pk}/edit/")
    page.get_by_role("button", name="Toggle preview").click()
    preview = page.frame_locator("#w-preview-iframe")
    expect(preview.get_by_role("heading", name=policy.title)).to_be_visible()


def test_the_apis_pages_for_developers_run_under_the_api_policy(
    page, csp_violations, demo_site
):
    """DRF's browsable API, Swagger UI and ReDoc set inline styles; their scripts are
    files of the site, like the portal's."""
    sign_in(page, "admin", login_url="/admin/login/")

    assert visit(page, "/api/v1/partners/")["script-src"] == ["'self'"]
    expect(page.get_by_role("heading", name="Partner List")).to_be_visible()
    assert visit(page, "/api/docs/")["script-src"] == ["'self'"]
    expect(page.get_by_role("heading", name="CPLMS API")).to_be_visible()
    expect(page.get_by_text("/api/v1/partners/").first).to_be_visible()
    assert visit(page, "/api/redoc/")["script-src"] == ["'self'"]
    expect(page.get_by_text("Partners, sales and events").first).to_be_visible()
    # ReDoc's own logo comes from its makers' server: refused, as any other server.
    page.wait_for_function("() => window.reportedCspViolations > 0")
    assert [
        (violation["directive"], violation["blocked"]) for violation in csp_violations
    ] == [("img-src", "https://cdn.redoc.ly/redoc/logo-mini.svg")]
    csp_violations.clear()
