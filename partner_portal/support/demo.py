"""The support part of the demo data set: tickets of the demo partners in every
state — one breached, one waiting on the partner, one resolved and rated — with
public replies and internal notes, and a few answers partners found instead.

Opened and answered through the services, as partners and agents would; the
breached one is then moved back in time, as if opened two working days ago. A
"Support agents" group (with a demo agent) answers tickets and keeps the
categories and SLA targets; channel account managers see and answer their own
partners' tickets, program managers every partner's.
"""

import datetime as dt
import json

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from partner_portal.partners.demo import DEMO_FILE
from partner_portal.partners.models import User

from .models import Category, Deflection, Priority, Rating, Ticket
from .services.tickets import (
    ticket_assign,
    ticket_open,
    ticket_reply,
    ticket_status_set,
)

AGENTS = "Support agents"
READ = ["view_ticket", "view_deflection", "view_rating", "answer_ticket"]
GROUP_PERMISSIONS = {
    AGENTS: [
        *READ,
        "view_category",
        "change_category",
        "view_slatarget",
        "change_slatarget",
    ],
    "Channel account managers": READ,
    "Program managers": [*READ, "view_category", "view_slatarget"],
}
AGENT = {
    "username": "agent",
    "email": "agent@cplms.example",
    "first_name": "Ann",
    "last_name": "Agent",
}


def _groups() -> Group:
    agents, _created = Group.objects.get_or_create(name=AGENTS)
    # Agents reach every partner's tickets: they see partners, as program managers.
    agents.permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        ),
        Permission.objects.get(
            content_type__app_label="partners", codename="view_partner"
        ),
    )
    for name, codenames in GROUP_PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label="support", codename__in=codenames
                )
            )
    # New tickets of every category reach the agents, unless staff chose a group.
    Category.objects.filter(group__isnull=True).update(group=agents)
    return agents


def _agent(group: Group) -> User:
    password = json.loads(DEMO_FILE.read_text(encoding="utf-8"))["password"]
    agent, created = User.objects.get_or_create(
        username=AGENT["username"], defaults={**AGENT, "is_staff": True}
    )
    if created:
        agent.set_password(password)
        agent.save(update_fields=["password"])
    agent.groups.add(group)
    return agent


def _open(username, category, priority, subject, description, **kwargs):
    user = User.objects.select_related("membership__partner").get(username=username)
    return ticket_open(
        partner=user.membership.partner,
        by=user,
        category=Category.objects.get(code=category),
        priority=priority,
        subject=subject,
        description=description,
        **kwargs,
    )


@transaction.atomic
def seed_support(*, stdout):
    group = _groups()
    agent = _agent(group)
    if Ticket.objects.exists():
        stdout.write("Support: demo tickets already there.")
        return
    now = timezone.now()

    breached = _open(
        "registered.user",
        "technical",
        Priority.URGENT,
        "Licence server refuses new seats",
        "Since this morning the licence server answers “pool exhausted” for every "
        "new seat, although 12 of our 50 seats are free. Two customer roll-outs "
        "are waiting.",
    )
    # Opened two days ago and nobody answered: past both targets.
    Ticket.objects.filter(pk=breached.pk).update(
        created_at=now - dt.timedelta(days=2),
        first_response_due=now - dt.timedelta(days=1, hours=22),
        resolution_due=now - dt.timedelta(hours=20),
    )

    waiting = _open(
        "silver.user",
        "orders",
        Priority.HIGH,
        "Order SO-4711 shipped without the rack kit",
        "The two firewalls of order SO-4711 arrived today, but the rack mounting "
        "kits on the same order are missing.",
    )
    ticket_assign(ticket=waiting, by=agent, agent=agent)
    ticket_reply(
        ticket=waiting,
        by=agent,
        body="Warehouse confirms the kits were picked; checking with the carrier "
        "whether a second parcel exists.",
        internal=True,
    )
    ticket_reply(
        ticket=waiting,
        by=agent,
        body="Sorry about that. Could you send us the delivery note number on the "
        "parcel you received? We will ship the kits the same day.",
        waiting=True,
    )

    resolved = _open(
        "gold.user",
        "incentives",
        Priority.NORMAL,
        "第三季度返利对账单缺少一笔销售",
        "第三季度返利对账单中没有 9 月 28 日的发票 INV-2026-0931，请核实。",  # noqa: RUF001
    )
    ticket_reply(
        ticket=resolved,
        by=agent,
        body="该发票在 10 月 2 日才导入，已计入第四季度的对账单，金额不变。",  # noqa: RUF001
    )
    ticket_status_set(ticket=resolved, by=agent, status=Ticket.Status.RESOLVED)
    Rating.objects.create(
        ticket=resolved,
        score=5,
        comment="回复很快，解释得很清楚。",  # noqa: RUF001
    )

    answered = _open(
        "registered.user",
        "mdf",
        Priority.NORMAL,
        "Which proof does an MDF event claim need?",
        "We ran the webinar last week. Is the attendee list enough as proof, or do "
        "you also need the invoice of the webinar platform?",
    )
    ticket_assign(ticket=answered, by=agent, agent=agent)
    ticket_reply(
        ticket=answered,
        by=agent,
        body="Northwind's allocation still has 4,000 USD left for this quarter.",
        internal=True,
    )
    ticket_reply(
        ticket=answered,
        by=agent,
        body="Both, please: the attendee list and the platform's invoice. Upload "
        "them with the claim under Marketing funds.",
    )

    _open(
        "platinum.user",
        "portal_access",
        Priority.LOW,
        "Portal access for a new engineer",
        "Please give our new engineer, Jo Park, access to the technical library.",
    )
    _open(
        "gold.user",
        "training",
        Priority.NORMAL,
        "培训证书没有显示在个人资料中",
        "我上周完成了网络安全认证考试，但证书还没有出现在个人资料里。",  # noqa: RUF001
    )

    for username, query, title, url in [
        ("registered.user", "licence seats", "Licence pools explained", "/library/"),
        ("registered.user", "licence seats", "Adding licence seats", "/library/"),
        ("silver.user", "rma return", "Returning a faulty unit", "/library/"),
        ("gold.user", "返利 对账单", "返利对账单说明", "/library/"),
    ]:
        user = User.objects.select_related("membership__partner").get(username=username)
        Deflection.objects.create(
            user=user,
            partner=user.membership.partner,
            query=query,
            title=title,
            url=url,
        )
    stdout.write(
        "Support: 6 demo tickets (one breached, one waiting on the partner, one "
        "resolved and rated) and 4 answers found instead created."
    )
