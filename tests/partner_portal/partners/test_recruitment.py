"""Recruitment: public application, scoring, duplicates, review, invitation."""

import datetime
import re

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

import pytest

from partner_portal.partners.models import Application, Partner, Stage, User
from partner_portal.partners.recruitment import application_approve
from tests.factories import PartnerFactory
from tests.snapshots import demo_seed


@pytest.fixture
def demo(db):
    demo_seed()


def applications():
    """The applications the test made: the demo's own (a year of them, seeded
    with the client key "demo") left out."""
    return Application.objects.exclude(client_key="demo")


def answers(**changes):
    data = {
        "company_name": "Blue Harbour Systems",
        "legal_name": "Blue Harbour Systems Pte Ltd",
        "website": "https://www.blueharbour.example",
        "email_domain": "blueharbour.example",
        "country": "sg",
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


def apply(client, address="203.0.113.7", **changes):
    return client.post(
        reverse("application-apply"), answers(**changes), REMOTE_ADDR=address
    )


def test_an_application_is_scored_with_its_breakdown(client, demo):
    from partner_portal.partners.models import Specialisation

    security = Specialisation.objects.get(name="Security")
    response = apply(client, specialisations=[security.pk])
    assert response.status_code == 302
    application = applications().get()
    assert application.country == "SG"
    assert application.status == "submitted"
    assert application.terms.code == "program-terms"
    breakdown = {
        (b["criterion"], b["value"]): b["points"] for b in application.score_breakdown
    }
    assert breakdown == {
        ("Annual revenue", "10m_100m"): 30,
        ("Specialisation", "Security"): 20,
        ("At least this many employees", "50"): 10,
    }
    assert application.score == 60
    assert application.duplicate_flags == []


def test_the_form_explains_mistakes(client, demo):
    response = apply(client, contact_email="mia@gmail.example", accept_terms="")
    assert response.status_code == 200
    assert "Use an email address at your company&#x27;s domain" in response.text
    assert "This field is required" in response.text
    assert not applications().exists()


def test_the_form_speaks_chinese(client, demo):
    client.cookies["django_language"] = "zh-hans"
    response = client.get(reverse("application-apply"))
    assert "成为合作伙伴" in response.text


def test_duplicates_of_partners_and_open_applications_are_flagged(client, demo):
    PartnerFactory(name="Blue Harbour Systems Ltd.", external_id="P-9", email_domain="")
    apply(client)
    first = applications().get()
    assert first.duplicate_flags == [
        "Matches the existing partner Blue Harbour Systems Ltd. (P-9)."
    ]
    apply(
        client,
        company_name="BH Systems",
        legal_name="BH Systems",
        contact_email="ops@blueharbour.example",
    )
    second = applications().exclude(pk=first.pk).get()
    assert any(
        "open application from Blue Harbour Systems" in f
        for f in second.duplicate_flags
    )
    assert Partner.objects.filter(name__icontains="harbour").count() == 1


def test_the_honeypot_swallows_bots_quietly(client, demo):
    response = apply(client, fax_number="+1 555 0199")
    assert response.status_code == 302
    assert not applications().exists()


def test_too_many_applications_from_one_address_are_refused(client, demo):
    for n in range(5):
        apply(client, company_name=f"Company {n}", legal_name=f"Company {n}")
    response = apply(client, company_name="Company 6", legal_name="Company 6")
    assert response.status_code == 429
    assert applications().count() == 5
    assert apply(client, address="198.51.100.1").status_code == 302


def invitation_path(message):
    return re.search(
        r"https?://[^/\s]+(/accounts/invitation/\S+/)", message.body
    ).group(1)


def test_approval_creates_an_onboarding_partner_and_invites_its_admin(
    client, demo, django_capture_on_commit_callbacks
):
    apply(client)
    application = applications().get()
    reviewer = User.objects.get(username="pm")
    client.force_login(reviewer)
    review = reverse("application:review", args=[application.pk])
    assert client.get(review).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(review, {"reason": "Strong fit", "approve": "1"})
    assert response.status_code == 302
    assert "is approved" in client.get(response.url).text

    partner = Partner.objects.get(application__pk=application.pk)
    assert (partner.stage, partner.tier.rank, partner.joined_on) == (
        Stage.ONBOARDING,
        1,
        timezone.localdate(),
    )
    admin = partner.memberships.get().user
    assert (admin.email, admin.has_usable_password()) == (
        "mia@blueharbour.example",
        False,
    )
    assert partner.acceptances.filter(agreement__code="program-terms").exists()

    [message] = mail.outbox
    assert message.to == ["mia@blueharbour.example"]
    path = invitation_path(message)
    client.logout()
    form = client.get(path, follow=True)
    assert "Choose your password" in form.text
    set_url = form.redirect_chain[-1][0]
    done = client.post(
        set_url,
        {"new_password1": "Harbour-lights-42", "new_password2": "Harbour-lights-42"},
        follow=True,
    )
    assert "Your password is set" in done.text
    # Through the sign-in page: the lockout check (django-axes) needs the request.
    signed_in = client.post(
        reverse("login"), {"username": admin.username, "password": "Harbour-lights-42"}
    )
    assert signed_in.status_code == 302
    client.logout()
    assert "This link no longer works" in client.get(path, follow=True).text


def test_an_invitation_expires(client, demo):
    apply(client)
    partner = application_approve(
        application=applications().get(), by=User.objects.get(username="pm")
    )
    user = partner.memberships.get().user

    class EightDaysAgo(PasswordResetTokenGenerator):
        def _now(self):
            return datetime.datetime.now() - datetime.timedelta(days=8)

    token = EightDaysAgo().make_token(user)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("invitation-accept", args=[uid, token])
    assert "This link no longer works" in client.get(path, follow=True).text


def test_rejection_tells_the_applicant_why_in_their_language(
    client, demo, django_capture_on_commit_callbacks
):
    client.cookies["django_language"] = "zh-hans"
    apply(client)
    application = applications().get()
    assert application.language == "zh-hans"
    del client.cookies["django_language"]  # the reviewer reads the admin in English
    client.force_login(User.objects.get(username="pm"))
    review = reverse("application:review", args=[application.pk])
    refused = client.post(review, {"reason": "", "reject": "1"})
    assert "Give the applicant a reason" in refused.text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(review, {"reason": "暂不招募该地区的经销商", "reject": "1"})
    application.refresh_from_db()
    assert application.status == "rejected"
    [message] = mail.outbox
    assert "暂不招募该地区的经销商" in message.body
    assert "感谢" in message.body


def test_account_managers_cannot_review(client, demo):
    apply(client)
    client.force_login(User.objects.get(username="cam"))
    review = reverse("application:review", args=[applications().get().pk])
    assert client.get(review).status_code in {302, 403}
