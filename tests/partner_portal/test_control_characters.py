"""Control characters anywhere in a request never make a server error, and never
reach the database.

The fuzz walks the demo portal as a visitor and as a partner admin: every URL
pattern outside the admin and the API (a new pattern fails the test until it has a
sample here), every live page and its routes, every form on those pages, every GET
parameter the portal reads, a few headers and the session cookie, each carrying NUL
and other control characters.
"""

import datetime
import uuid
from urllib.parse import quote, urljoin

from django.apps import apps
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.validators import ProhibitNullCharactersValidator
from django.urls import URLResolver, get_resolver, reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page

import lxml.html
import pytest

from learning.models import Certification
from learning.services import award_create
from partner_portal.incentives.models import SalesRecord
from partner_portal.partners.models import (
    Application,
    OnboardingStep,
    PartnerMembership,
    User,
)
from partner_portal.resources.models import PolicyPage, PortalDocument, PortalImage
from partner_portal.support import rating_links
from partner_portal.support.suggestions import answer_token
from search.client import get_client
from search.models import SearchQuery
from search.services import click_token
from tests.factories import MembershipFactory, PartnerFactory
from tests.partner_portal.api.conftest import token_client
from tests.snapshots import demo_seed

PAYLOAD = "a\x00b\x01\x08\x0b\x0c\x0e\x1b\x7f\x85\x9fc\t\r\nd"
# Every parameter a portal view reads from the query string, besides the fields of
# the GET forms on its page.
GET_PARAMETERS = [
    "q",
    "page",
    "next",
    "kind",
    "asset_type",
    "product",
    "language",
    "sort",
    "date_from",
    "date_to",
    "sku",
    "currency",
    "token",
    "action",
]
EXCLUDED_PREFIXES = ("admin/", "api/")


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ELASTICSEARCH_INDEX_PREFIX = f"cplms-test-{uuid.uuid4().hex[:8]}"
    demo_seed()
    yield
    get_client().indices.delete(
        index=f"{settings.ELASTICSEARCH_INDEX_PREFIX}-*", ignore_unavailable=True
    )


def _patterns(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith(EXCLUDED_PREFIXES):
            continue
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern, route)
        else:
            yield pattern.name


def _samples(partner_user):
    """Concrete URLs for each URL pattern name, from the demo data."""
    partner = partner_user.membership.partner
    invited = MembershipFactory(partner=partner).user
    document = PortalDocument.objects.order_by("pk").first()
    image = PortalImage.objects.order_by("pk").first()
    award = award_create(
        user=partner_user,
        certification=Certification.objects.order_by("pk").first(),
        issued_at=datetime.date(2025, 1, 10),
        expires_at=datetime.date(2035, 1, 10),
    )
    record = SalesRecord.objects.filter(partner=partner).order_by("pk").first()
    step = OnboardingStep.objects.order_by("pk").first()
    colleague = PartnerMembership.objects.filter(partner=partner).exclude(
        user=partner_user
    )
    hit = {"kind": "asset", "object_id": "1", "url": "/library/"}
    simple = {
        name: [reverse(name)]
        for name in [
            "healthz",
            "healthz-full",
            "set_language",
            "login",
            "logout",
            "application-apply",
            "application-thanks",
            "sales-list",
            "resources-announcements-feed",
            "policies-pending",
            "announcements",
            "sitemap",
            "learning-home",
            "company-profile",
            "company-users",
            "company-scorecard",
            "password-reset",
            "password-reset-done",
            "password-reset-complete",
            "search",
            "search-suggest",
            "portal-home",
            "wagtailcore_login",
        ]
    }
    return {
        **simple,
        "wagtaildocs_serve": [document.url],
        "wagtaildocs_authenticate_with_password": [
            reverse("wagtaildocs_authenticate_with_password", args=[1])
        ],
        "password-reset-confirm": [
            reverse(
                "password-reset-confirm",
                kwargs={
                    "uidb64": urlsafe_base64_encode(force_bytes(partner_user.pk)),
                    "token": default_token_generator.make_token(partner_user),
                },
            )
        ],
        "invitation-accept": [
            reverse(
                "invitation-accept",
                kwargs={
                    "uidb64": urlsafe_base64_encode(force_bytes(invited.pk)),
                    "token": default_token_generator.make_token(invited),
                },
            )
        ],
        "sales-detail": [reverse("sales-detail", args=[record.pk])],
        "resources-image": [reverse("resources-image", args=[image.pk, "max-80x80"])],
        "policy-acknowledge": [
            reverse("policy-acknowledge", args=[PolicyPage.objects.first().pk])
        ],
        "learning-certificate": [
            reverse("learning-certificate", args=[award.credential_id])
        ],
        "learning-verify": [reverse("learning-verify", args=[award.credential_id])],
        "company-user-update": [
            reverse("company-user-update", args=[m.user_id]) for m in colleague[:1]
        ],
        "onboarding-agreement": [reverse("onboarding-agreement", args=[step.pk])],
        "search-click": [
            reverse("search-click", args=[click_token(text="pricing", hit=hit)])
        ],
        "wagtailcore_authenticate_with_password": [
            reverse("wagtailcore_authenticate_with_password", args=[1, 1])
        ],
        **_statement_samples(partner),
        **_deal_mdf_and_ticket_samples(partner),
        "wagtail_serve": _page_urls(),
    }


def _latest_pk(app_label, model, **filters):
    row = apps.get_model(app_label, model).objects.filter(**filters).order_by("-pk")
    return row.values_list("pk", flat=True).first() or 1


def _deal_mdf_and_ticket_samples(partner):
    """The partner's latest deal, MDF request and ticket (the demo has them for most
    partners; where one is missing its pages answer 404, still sent every
    parameter), and a signed suggestion and rating link."""
    deal = _latest_pk("deals", "Deal", partner=partner)
    request = _latest_pk("deals", "FundRequest", partner=partner)
    ticket = _latest_pk("support", "Ticket", partner=partner)
    survey = _latest_pk("support", "Survey", invitations__partner=partner)
    answer = answer_token("pricing", "/library/", "Library")
    return {
        **{
            name: [reverse(name)]
            for name in [
                "deals-home",
                "deal-new",
                "mdf-home",
                "mdf-request-new",
                "support-home",
                "ticket-new",
                "ticket-suggestions",
                "survey-list",
            ]
        },
        "survey-answer": [reverse("survey-answer", args=[survey])],
        **{
            name: [reverse(name, args=[deal])]
            for name in [
                "deal-detail",
                "deal-edit",
                "deal-submit",
                "deal-won",
                "deal-lost",
            ]
        },
        **{
            name: [reverse(name, args=[request])]
            for name in ["mdf-request", "mdf-claim-new"]
        },
        **{
            name: [reverse(name, args=[ticket])]
            for name in [
                "ticket-detail",
                "ticket-reply",
                "ticket-resolve",
                "ticket-rate",
            ]
        },
        "ticket-deflect": [reverse("ticket-deflect", args=[answer])],
        "ticket-rate-link": [
            reverse(
                "ticket-rate-link",
                args=[signing.dumps({"ticket": ticket}, salt=rating_links.SALT)],
            )
        ],
    }


def _statement_samples(partner):
    """The partner's latest statement, its first line and a dispute, where they
    exist (the demo has none yet: then these pages answer 404, and are still sent
    every parameter)."""
    statement = (
        apps.get_model("incentives", "Statement")
        .objects.filter(partner=partner)
        .order_by("-pk")
        .first()
    )
    line = statement.lines.order_by("number").first() if statement else None
    dispute = apps.get_model("incentives", "Dispute").objects.order_by("pk").first()
    pk = statement.pk if statement else 1
    number = line.number if line else 1
    return {
        "incentives-home": [reverse("incentives-home")],
        **{
            name: [reverse(name, args=[pk])]
            for name in [
                "incentive-statement",
                "incentive-statement-pdf",
                "incentive-statement-csv",
            ]
        },
        **{
            name: [reverse(name, args=[pk, number])]
            for name in ["incentive-line", "incentive-line-csv"]
        },
        "incentive-dispute": [
            reverse("incentive-dispute", args=[dispute.pk if dispute else 1])
        ],
    }


def _page_urls():
    urls = []
    for page in Page.objects.live().specific().exclude(depth=1):
        urls.append(page.url)
        if isinstance(page, RoutablePageMixin):
            for pattern in page.get_subpage_urls():
                if not pattern.pattern.converters and pattern.name:
                    urls.append(page.url + page.reverse_subpage(pattern.name))
    return sorted(set(urls))


def _forms(response, url):
    """(method, action, fields as a browser would send them, text fields) of each
    form on an HTML page."""
    if "text/html" not in response.get("Content-Type", "") or not response.content:
        return []
    document = lxml.html.fromstring(response.content.decode())
    forms = []
    for form in document.forms:
        defaults = {
            name: value for name, value in form.form_values() if name is not None
        }
        names = {field.name for field in form.inputs if field.name}
        text = {
            field.name
            for field in form.inputs
            if field.name
            and (
                field.tag == "textarea"
                or (
                    field.tag == "input"
                    and field.get("type", "text")
                    in {"text", "search", "email", "url", "tel", "password", "number"}
                )
            )
        }
        action = urljoin(url, form.get("action") or url)
        forms.append(((form.method or "GET").upper(), action, defaults, names, text))
    return forms


class Fuzz:
    def __init__(self, client, user=None):
        self.client = client
        self.user = user
        self.failures = []
        self.statuses = {}
        self.forms_sent = set()
        if user is not None:
            client.force_login(user)
        self.requests = 0
        self.address = 0

    def send(self, method, url, data=None, **headers):
        # A new address each time: the application form and sign-in limit an address.
        self.address += 1
        headers.setdefault(
            "REMOTE_ADDR", f"10.9.{self.address // 250}.{self.address % 250}"
        )
        self.requests += 1
        try:
            response = getattr(self.client, method.lower())(url, data or {}, **headers)
        except Exception as error:  # the test client re-raises the view's error
            self.failures.append((method, url, data, repr(error)[:300]))
            return None
        finally:
            if self.user is not None and method == "POST":
                # Whatever the POST did (the sign-out form among them), the next
                # request is the partner's again.
                self.client.force_login(self.user)
        if method == "GET" and not data:
            self.statuses[url] = response.status_code
        # 503 is an answer (the full health check naming what is down), not an error.
        if response.status_code >= 500 and response.status_code != 503:
            self.failures.append((method, url, data, response.status_code))
        return response

    def url(self, url):
        response = self.send("GET", url)
        self.send("GET", url, dict.fromkeys(GET_PARAMETERS, PAYLOAD))
        if response is None:
            return
        for method, action, defaults, names, text in _forms(response, url):
            # The header's forms (search, language, sign-out) are on every page.
            form = (method, action, frozenset(names))
            if form in self.forms_sent:
                continue
            self.forms_sent.add(form)
            if method == "GET":
                self.send("GET", action, {**defaults, **dict.fromkeys(names, PAYLOAD)})
                continue
            token = {k: v for k, v in defaults.items() if k == "csrfmiddlewaretoken"}
            self.send("POST", action, {**token, **dict.fromkeys(names, PAYLOAD)})
            self.send("POST", action, {**defaults, **dict.fromkeys(text, PAYLOAD)})
        self.send("POST", url, {"x": PAYLOAD})


def _fuzz(client, user, partner_user):
    samples = _samples(partner_user)
    missing = set(_patterns(get_resolver())) - set(samples)
    assert not missing, f"URL patterns without a sample URL: {sorted(missing)}"
    fuzz = Fuzz(client, user)
    for urls in samples.values():
        for url in urls:
            fuzz.url(url)
    # Control characters in a path name nothing.
    for url in ["/verify/", "/learning/certificates/", "/search/go/", "/library/"]:
        response = fuzz.send("GET", url + quote(PAYLOAD, safe="") + "/")
        assert response is None or response.status_code == 404, url
    for headers in [
        {"HTTP_USER_AGENT": PAYLOAD},
        {"HTTP_REFERER": PAYLOAD},
        {"HTTP_ACCEPT_LANGUAGE": PAYLOAD},
        {"HTTP_X_FORWARDED_FOR": PAYLOAD},
        {"HTTP_COOKIE": 'sessionid="\\000abcdefghijklmnop"; csrftoken="\\000"'},
    ]:
        fuzz.send("GET", "/", **headers)
        fuzz.send("GET", "/search/", {"q": "pricing"}, **headers)
        fuzz.send(
            "POST", "/accounts/login/", {"username": "x", "password": "y"}, **headers
        )
    return fuzz


@pytest.mark.parametrize("who", ["visitor", "partner admin"])
def test_control_characters_anywhere_make_no_server_error(demo, client, who):
    partner_user = User.objects.get(username="gold.user")
    fuzz = _fuzz(client, partner_user if who == "partner admin" else None, partner_user)
    assert fuzz.requests > 200
    # The pages were seen as this visitor sees them (the company page is the
    # partner admin's), so their forms were sent too.
    company = fuzz.statuses[reverse("company-profile")]
    assert company == (200 if who == "partner admin" else 302)
    assert fuzz.statuses[reverse("application-apply")] == 200
    assert fuzz.failures == [], "\n".join(map(str, fuzz.failures))


def test_a_search_for_nul_is_recorded_without_it(db, client):
    """In the query string line breaks become spaces, so words stay apart."""
    response = client.get("/search/", {"q": "vpn\x00\nguide\x01"})
    assert response.status_code == 200
    assert list(SearchQuery.objects.values_list("text", flat=True)) == ["vpn guide"]


def test_a_path_with_nul_is_not_found(db, client):
    assert client.get("/verify/%00").status_code == 404


def test_form_text_loses_control_characters_but_keeps_tabs(db, client):
    """The public application stores what was typed, less the control characters."""
    from tests.partner_portal.partners.test_recruitment import answers

    response = client.post(
        reverse("application-apply"),
        answers(company_name="Acme\x00 Cloud\x7f", legal_name="Acme\tCloud\x1b Ltd"),
    )
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.company_name == "Acme Cloud"
    assert application.legal_name == "Acme\tCloud Ltd"


def test_api_json_and_filters_lose_control_characters(db):
    """The API reads its JSON itself: the same rule applies to it."""
    staff = User.objects.create_superuser("api-admin", "a@example.com", "pw-123456")
    partner = PartnerFactory(name="Northwind")
    client = token_client(staff)
    changed = client.patch(
        f"/api/v1/partners/{partner.pk}/",
        {"name": "North\x00wind\x01 Traders"},
        format="json",
    )
    assert changed.status_code == 200, changed.content
    partner.refresh_from_db()
    assert partner.name == "Northwind Traders"
    PartnerFactory(name="Contoso", country="FR")
    found = client.get("/api/v1/partners/", {"search": "North\x00"})
    assert found.status_code == 200
    assert [row["id"] for row in found.json()["results"]] == [partner.pk]
    listed = client.get("/api/v1/partners/", {"country": "\x00DE\x1f"})
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [partner.pk]


def test_djangos_message_for_null_characters_reads_right_in_chinese():
    """Django's own catalogue says "empty strings are not allowed"; ours, first in
    LOCALE_PATHS, says what the message means."""
    with translation.override("zh-hans"):
        message = str(ProhibitNullCharactersValidator().message)
    assert message == "不允许包含空字符（NUL）。"  # noqa: RUF001
