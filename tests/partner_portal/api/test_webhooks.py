"""Webhooks against a real receiver on 127.0.0.1 (http.server in a thread)."""

import http.server
import json
import threading
import time

from django.test import override_settings

import pytest

from partner_portal.api.models import WebhookDelivery, WebhookSubscription
from partner_portal.api.services import webhook_redeliver
from partner_portal.api.webhooks import signing
from partner_portal.api.webhooks.events import emit, registered_events
from partner_portal.partners.services import partner_create, partner_update
from tests.factories import tier

pytestmark = pytest.mark.django_db

FAST_RETRIES = override_settings(
    API_WEBHOOK_MAX_ATTEMPTS=4, API_WEBHOOK_BACKOFF_SECONDS=0.05
)


class Receiver:
    """Answers the queued status codes in turn (then 200) and keeps what it got."""

    def __init__(self, statuses=()):
        self.statuses = list(statuses)
        self.received = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append(
                    {"headers": self.headers, "body": body, "at": time.monotonic()}
                )
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_port}/hook"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def subscribe(url, *events):
    return WebhookSubscription.objects.create(name="CRM", url=url, events=list(events))


def events_of(receiver):
    return [json.loads(item["body"])["event"] for item in receiver.received]


def test_partner_events_are_signed_and_delivered(
    world, django_capture_on_commit_callbacks
):
    with Receiver() as receiver:
        subscription = subscribe(
            receiver.url,
            "partner.created",
            "partner.stage_changed",
            "partner.tier_changed",
        )
        with django_capture_on_commit_callbacks(execute=True):
            partner = partner_create(
                by=None,
                external_id="CRM-N",
                name="Nu Tech",
                country="CN",
                region="greater_china",
                partner_type="reseller",
                tier=tier("registered"),
                stage="onboarding",
            )
        with django_capture_on_commit_callbacks(execute=True):
            partner_update(partner=partner, by=None, reason="Ready", stage="active")
        with django_capture_on_commit_callbacks(execute=True):
            partner_update(partner=partner, by=None, reason="Sold", tier=tier("gold"))
    assert events_of(receiver) == [
        "partner.created",
        "partner.stage_changed",
        "partner.tier_changed",
    ]
    for item in receiver.received:
        header = item["headers"][signing.SIGNATURE_HEADER]
        assert signing.verify(subscription.secret, item["body"], header)
        assert not signing.verify("wrong-secret", item["body"], header)
        assert not signing.verify(subscription.secret, item["body"] + b" ", header)
    stage = json.loads(receiver.received[1]["body"])["data"]
    assert (stage["from_stage"], stage["to_stage"]) == ("onboarding", "active")
    assert stage["partner"]["external_id"] == "CRM-N"
    assert stage["partner"]["stage"] == "active"
    tier_event = json.loads(receiver.received[2]["body"])["data"]
    assert (tier_event["from_tier"], tier_event["to_tier"]) == ("registered", "gold")
    log = WebhookDelivery.objects.filter(subscription=subscription)
    assert {(d.status, d.response_code, d.attempts) for d in log} == {
        ("delivered", 200, 1)
    }


def test_only_subscribed_events_are_sent(world, django_capture_on_commit_callbacks):
    with Receiver() as receiver:
        subscribe(receiver.url, "partner.tier_changed")
        with django_capture_on_commit_callbacks(execute=True):
            partner_update(
                partner=world.partner_a, by=None, reason="Breach", stage="suspended"
            )
    assert receiver.received == []


def test_replay_window():
    body = b'{"event": "partner.created"}'
    old = signing.sign("s3cret", body, timestamp=int(time.time()) - 600)
    assert not signing.verify("s3cret", body, old)
    fresh = signing.sign("s3cret", body)
    assert signing.verify("s3cret", body, fresh)
    assert not signing.verify("s3cret", body, "t=abc,v1=00")
    assert not signing.verify("s3cret", body, "")


@FAST_RETRIES
def test_failures_are_retried_with_exponential_backoff(
    world, django_capture_on_commit_callbacks
):
    with Receiver(statuses=[500, 503]) as receiver:
        subscribe(receiver.url, "partner.created")
        with django_capture_on_commit_callbacks(execute=True):
            emit("partner.created", {"partner": {"id": 1}})
    assert len(receiver.received) == 3
    first, second, third = (item["at"] for item in receiver.received)
    assert second - first >= 0.05
    assert third - second >= 0.1
    ids = {item["headers"]["X-CPLMS-Delivery"] for item in receiver.received}
    assert len(ids) == 1  # the same delivery each time, so receivers can dedupe
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == (
        "delivered",
        3,
        200,
    )


@FAST_RETRIES
def test_gives_up_after_the_last_attempt_and_can_be_redelivered(
    world, django_capture_on_commit_callbacks
):
    with Receiver(statuses=[500] * 4) as receiver:
        subscribe(receiver.url, "partner.created")
        with django_capture_on_commit_callbacks(execute=True):
            emit("partner.created", {"partner": {"id": 1}})
        delivery = WebhookDelivery.objects.get()
        assert (delivery.status, delivery.attempts, delivery.response_code) == (
            "failed",
            4,
            500,
        )
        with django_capture_on_commit_callbacks(execute=True):
            again = webhook_redeliver(delivery=delivery)
    again.refresh_from_db()
    assert (again.status, again.response_code) == ("delivered", 200)
    assert again.event_id == delivery.event_id
    assert len(receiver.received) == 5


@FAST_RETRIES
def test_unreachable_receiver_is_logged(world, django_capture_on_commit_callbacks):
    with Receiver() as receiver:
        url = receiver.url
    subscribe(url, "partner.created")
    with django_capture_on_commit_callbacks(execute=True):
        emit("partner.created", {"partner": {"id": 1}})
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed"
    assert delivery.response_code is None
    assert delivery.error


def test_other_apps_declare_and_announce_events_without_importing_the_api(
    world, django_capture_on_commit_callbacks
):
    from partner_portal import events

    # An event no app declares: the deals app's own stay as they are.
    events.declare_event("example.happened", "Something happened in an app.")
    try:
        assert "example.happened" in [e.name for e in registered_events()]
        with Receiver() as receiver:
            subscribe(receiver.url, "example.happened")
            with django_capture_on_commit_callbacks(execute=True):
                events.announce("example.happened", {"deal": "D-1"})
        assert events_of(receiver) == ["example.happened"]
        with pytest.raises(ValueError):
            events.announce("no.such.event", {})
        with pytest.raises(ValueError):
            emit("no.such.event", {})
    finally:
        events._DECLARED.pop("example.happened")


def test_certification_awarded_and_expired_once(
    world, django_capture_on_commit_callbacks
):
    import datetime

    from django.utils import timezone

    from learning.models import Certification
    from learning.services import award_create, award_expiries_record, award_revoke

    today = timezone.localdate()
    certification = Certification.objects.create(code="net-pro", name="Network Pro")
    with Receiver() as receiver:
        subscription = subscribe(
            receiver.url, "certification.awarded", "certification.expired"
        )
        with django_capture_on_commit_callbacks(execute=True):
            award = award_create(
                user=world.user_a,
                certification=certification,
                issued_at=today - datetime.timedelta(days=365),
                expires_at=today + datetime.timedelta(days=1),
                source="imported",
            )
        with django_capture_on_commit_callbacks(execute=True):
            revoked = award_create(
                user=world.user_b,
                certification=certification,
                issued_at=today - datetime.timedelta(days=10),
                expires_at=today + datetime.timedelta(days=1),
            )
            award_revoke(award=revoked, by=None, reason="Exam fraud")
        # Nothing is due yet; on its expiry day only the award not revoked is.
        assert award_expiries_record(today=today) == 0
        tomorrow = today + datetime.timedelta(days=1)
        with django_capture_on_commit_callbacks(execute=True):
            assert award_expiries_record(today=tomorrow) == 1
        with django_capture_on_commit_callbacks(execute=True):
            assert award_expiries_record(today=tomorrow) == 0
    assert events_of(receiver) == [
        "certification.awarded",
        "certification.awarded",
        "certification.expired",
    ]
    for item in receiver.received:
        header = item["headers"][signing.SIGNATURE_HEADER]
        assert signing.verify(subscription.secret, item["body"], header)
    awarded = json.loads(receiver.received[0]["body"])["data"]["award"]
    assert awarded["credential_id"] == award.credential_id
    assert awarded["certification"] == "net-pro"
    assert awarded["partner"]["external_id"] == "CRM-A"
    assert awarded["status"] == "active"
    assert awarded["source"] == "imported"
    assert json.loads(receiver.received[1]["body"])["data"]["award"]["source"] == (
        "earned"
    )
    expired = json.loads(receiver.received[2]["body"])["data"]["award"]
    assert (expired["id"], expired["status"]) == (award.pk, "expired")
    award.refresh_from_db()
    assert award.expiry_recorded_at is not None


def test_statement_issued_is_offered_and_delivered_signed(
    world, django_capture_on_commit_callbacks
):
    from partner_portal.api.webhooks.events import event_choices
    from partner_portal.incentives.statements.lifecycle import (
        statement_approve,
        statement_event_data,
        statement_issue,
        statement_pay,
    )
    from tests.partner_portal.incentives.statements_helpers import (
        make_program,
        run,
        sell,
        statement_of,
    )

    offered = {name for name, _label in event_choices()}
    assert {"statement.issued", "statement.paid"} <= offered
    program = make_program(
        [{"type": "percent_of_revenue", "rates": {"registered": "5"}}]
    )
    sell(world.partner_a, ("2026-02-01", "SKU-1", 1, "1234.50"))
    run(program, "2026-Q1")
    statement = statement_approve(
        statement=statement_of(world.partner_a, program), by=None
    )
    with Receiver() as receiver:
        subscription = subscribe(receiver.url, "statement.issued")
        with django_capture_on_commit_callbacks(execute=True):
            statement = statement_issue(statement=statement, by=None)
        with django_capture_on_commit_callbacks(execute=True):
            statement_pay(statement=statement, by=None)
    assert events_of(receiver) == ["statement.issued"]
    item = receiver.received[0]
    assert item["headers"]["X-CPLMS-Event"] == "statement.issued"
    header = item["headers"][signing.SIGNATURE_HEADER]
    assert signing.verify(subscription.secret, item["body"], header)
    data = json.loads(item["body"])["data"]
    assert data == statement_event_data(statement)
    assert (data["partner"], data["program"], data["period"]) == (
        "CRM-A",
        "rebate",
        "2026-Q1",
    )
    assert (data["status"], data["total"], data["currency"]) == (
        "issued",
        "61.73",
        "USD",
    )
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert (delivery.status, delivery.response_code) == ("delivered", 200)
