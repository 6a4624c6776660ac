"""The portal's forms as a person meets them: checks a person expects, each message
next to its field and in one summary at the top, in English and Chinese; personal
fields that browsers can fill in (WCAG 1.3.5); every `aria-describedby` pointing at
an element of the page."""

import re
from html.parser import HTMLParser

from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

import pytest

from partner_portal.partners.models import Application, Role
from tests.factories import MembershipFactory, PartnerFactory, tier

pytestmark = pytest.mark.django_db


def answers(**changes):
    data = {
        "company_name": "Blue Harbour Systems",
        "legal_name": "Blue Harbour Systems Pte Ltd",
        "website": "https://www.blueharbour.example",
        "email_domain": "blueharbour.example",
        "country": "SG",
        "region": "apac",
        "partner_type": "reseller",
        "revenue_band": "10m_100m",
        "employee_count": "120",
        "contact_first_name": "Mia",
        "contact_last_name": "Tan",
        "contact_email": "mia@blueharbour.example",
        "contact_phone": "+65 5555 0100",
        "accept_terms": "on",
        "fax_number": "",
    }
    data.update(changes)
    return data


def apply(client, language="en", **changes):
    return client.post(
        reverse("application-apply"),
        answers(**changes),
        REMOTE_ADDR="203.0.113.9",
        HTTP_ACCEPT_LANGUAGE=language,
    )


class Elements(HTMLParser):
    """Every element's attributes, and the ids on the page."""

    def __init__(self, html):
        super().__init__()
        self.elements = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def by_id(self, element_id):
        return next(a for _t, a in self.elements if a.get("id") == element_id)

    @property
    def ids(self):
        return {a["id"] for _t, a in self.elements if a.get("id")}

    def dangling_describedby(self):
        return [
            (tag, ref)
            for tag, attrs in self.elements
            for ref in (attrs.get("aria-describedby") or "").split()
            if ref not in self.ids
        ]


def field_errors(html, field_id):
    """The text of the error list Django ties to a field by its id."""
    match = re.search(rf'<ul class="errorlist" id="{field_id}_error">(.*?)</ul>', html)
    assert match, f"no error list next to {field_id}"
    return re.sub(r"<[^>]+>", "", match.group(1))


@pytest.mark.parametrize(
    ("domain", "language", "message"),
    [
        ("blueharbour", "en", "Enter a domain such as example.com"),
        ("blue harbour.example", "en", "Enter a domain such as example.com"),
        ("1.2.3.4", "zh-hans", "请填写域名"),
    ],
)
def test_an_email_domain_must_be_a_domain(client, domain, language, message):
    response = apply(client, language, email_domain=domain)

    assert response.status_code == 200
    assert message in field_errors(response.text, "id_email_domain")
    assert not Application.objects.filter(company_name="Blue Harbour Systems").exists()


@pytest.mark.parametrize(
    ("count", "language", "message"),
    [
        ("0", "en", "Enter a number of employees of at least 1."),
        ("5000000", "en", "Enter a number of employees up to 1,000,000."),
        ("5000000", "zh-hans", "员工人数不能超过 1,000,000。"),
        ("twenty", "zh-hans", "员工人数请填写整数"),
    ],
)
def test_employees_outside_a_sensible_range_get_a_human_message(
    client, count, language, message
):
    response = apply(client, language, employee_count=count)

    assert message in field_errors(response.text, "id_employee_count")
    assert not Application.objects.filter(company_name="Blue Harbour Systems").exists()


def test_the_country_is_chosen_from_iso_3166_names_in_the_readers_language(client):
    english = client.get(reverse("application-apply"), HTTP_ACCEPT_LANGUAGE="en").text
    chinese = client.get(
        reverse("application-apply"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).text

    assert '<select name="country"' in english
    assert '<option value="DE">Germany</option>' in english
    assert '<option value="DE">德国</option>' in chinese
    assert '<option value="CN">中国</option>' in chinese
    # "XX" has the shape of a code but names no country.
    response = apply(client, "en", country="XX")
    assert "Select a valid choice." in field_errors(response.text, "id_country")
    apply(client, "en", country="sg")
    assert Application.objects.get(company_name="Blue Harbour Systems").country == "SG"


def test_an_invalid_application_has_one_summary_linking_to_each_field(client):
    response = apply(client, "en", email_domain="nowhere", employee_count="0")
    html = response.text

    # One alert for the whole form, not one per field.
    assert html.count('role="alert"') == 1
    summary = html[
        html.index("data-error-summary") : html.index(
            "</div>", html.index("data-error-summary")
        )
    ]
    assert 'href="#id_email_domain"' in summary
    assert 'href="#id_employee_count"' in summary
    page = Elements(html)
    assert page.by_id("id_email_domain")["aria-invalid"] == "true"
    assert "id_email_domain_error" in page.by_id("id_email_domain")["aria-describedby"]
    assert "portal/forms.js" in html


def test_personal_fields_of_the_application_carry_their_autocomplete_purpose(client):
    page = Elements(client.get(reverse("application-apply")).text)

    expected = {
        "id_company_name": "organization",
        "id_website": "url",
        "id_country": "country",
        "id_contact_first_name": "given-name",
        "id_contact_last_name": "family-name",
        "id_contact_email": "email",
        "id_contact_phone": "tel",
    }
    assert {
        field: page.by_id(field).get("autocomplete") for field in expected
    } == expected


@pytest.mark.parametrize("invalid", [False, True])
def test_every_aria_describedby_of_the_application_points_at_an_element(
    client, invalid
):
    if invalid:
        html = apply(client, "en", email_domain="x", employee_count="-3").text
    else:
        html = client.get(reverse("application-apply")).text
    page = Elements(html)

    assert page.by_id("id_email_domain")["aria-describedby"]
    assert page.dangling_describedby() == []


@pytest.mark.parametrize("view", ["invitation-accept", "password-reset-confirm"])
def test_the_set_password_pages_tie_their_help_text_to_the_field(client, view):
    user = MembershipFactory(partner=PartnerFactory(tier=tier("registered"))).user
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    url = reverse(view, args=[uid, token])
    page_url = client.get(url, follow=True).redirect_chain[-1][0]

    for html in (
        client.get(page_url).text,
        client.post(page_url, {"new_password1": "a", "new_password2": "b"}).text,
    ):
        page = Elements(html)
        assert page.by_id("id_new_password1")["aria-describedby"]
        assert page.dangling_describedby() == []


def test_the_invite_form_starts_on_the_least_privileged_role(client):
    partner = PartnerFactory(tier=tier("registered"))
    admin = MembershipFactory(partner=partner, role=Role.ADMIN).user
    client.force_login(admin)

    html = client.get(reverse("company-users")).text
    select = html[
        html.index('<select name="role"') : html.index(
            "</select>", html.index('<select name="role"')
        )
    ]

    assert re.findall(r'<option value="(\w+)" selected>', select) == [Role.TECHNICAL]
