"""The support part of the demo data set: tickets of the demo partners in every
state — one breached, one waiting on the partner, one resolved and rated — with
public replies and internal notes, and a few answers partners found instead.

Opened and answered through the services, as partners and agents would; the
breached one is then moved back in time, as if opened two working days ago. A
"Support agents" group (with a demo agent) answers tickets and keeps the
categories and SLA targets; channel account managers see and answer their own
partners' tickets, program managers every partner's.

Two surveys: one sent weeks ago, closed, answered by partners of several tiers and
regions (so its results have content), and one still open that gold.user has yet
to answer. Program managers write and send surveys; channel account managers read
the results of their own partners.
"""

import datetime as dt
import json

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from partner_portal.partners.demo import DEMO_FILE
from partner_portal.partners.models import Tier, User

from .models import (
    Category,
    Deflection,
    Priority,
    Rating,
    Survey,
    SurveyInvitation,
    SurveyQuestion,
    Ticket,
)
from .services.surveys import survey_answer, survey_send
from .services.tickets import (
    ticket_assign,
    ticket_open,
    ticket_reply,
    ticket_status_set,
)

AGENTS = "Support agents"
READ = ["view_ticket", "view_deflection", "view_rating", "answer_ticket"]
SURVEY_RESULTS = ["view_survey", "view_surveyinvitation"]
GROUP_PERMISSIONS = {
    AGENTS: [
        *READ,
        "view_category",
        "change_category",
        "view_slatarget",
        "change_slatarget",
    ],
    "Channel account managers": [*READ, *SURVEY_RESULTS],
    "Program managers": [
        *READ,
        "view_category",
        "view_slatarget",
        *SURVEY_RESULTS,
        "add_survey",
        "change_survey",
        "delete_survey",
        "send_survey",
    ],
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
    _surveys(stdout)
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


# (username, score, why, {question number: answer}) of the closed survey's answers.
ANSWERS = [
    (
        "registered.user",
        6,
        "Support is friendly, but licence questions take days to answer.",
        {0: "Answer licence questions within a day."},
    ),
    (
        "silver.user",
        8,
        "Deal registration works well; the MDF claim form asks for a lot.",
        {1: "Selling the new firewall series"},
    ),
    (
        "gold.user",
        10,
        "返利结算准时，渠道经理响应很快。",  # noqa: RUF001
        {0: "希望有更多中文培训。", 1: "云安全认证"},
    ),
]


def _surveys(stdout) -> None:
    if Survey.objects.exists():
        return
    sender = User.objects.filter(username="pm").first()
    today = timezone.localdate()
    closed = Survey.objects.create(
        title="Partner satisfaction, first half of the year",
        title_zh="上半年合作伙伴满意度调查",
        introduction="Tell us how we work with you: it takes three minutes.",
        introduction_zh="请告诉我们您对合作的感受，只需三分钟。",  # noqa: RUF001
    )
    questions = [
        SurveyQuestion.objects.create(
            survey=closed,
            text="What should we do better?",
            text_zh="我们哪些方面需要改进？",  # noqa: RUF001
            sort_order=0,
        ),
        SurveyQuestion.objects.create(
            survey=closed,
            text="Which training would help your team most?",
            text_zh="哪些培训对您的团队最有帮助？",  # noqa: RUF001
            sort_order=1,
        ),
    ]
    invitations = {
        invitation.user.username: invitation
        for invitation in survey_send(survey=closed, by=sender)
    }
    for username, score, reason, answers in ANSWERS:
        invitation = invitations[username]
        survey_answer(
            invitation=invitation,
            by=invitation.user,
            score=score,
            reason=reason,
            answers={str(questions[n].pk): text for n, text in answers.items()},
        )
    # Sent six weeks ago and closed two weeks ago, as if the quarter moved on.
    sent = timezone.now() - dt.timedelta(weeks=6)
    Survey.objects.filter(pk=closed.pk).update(
        sent_at=sent, closes_on=today - dt.timedelta(weeks=2)
    )
    SurveyInvitation.objects.filter(survey=closed).update(sent_at=sent)
    SurveyInvitation.objects.filter(survey=closed, answered_at__isnull=False).update(
        answered_at=sent + dt.timedelta(days=2)
    )

    pulse = Survey.objects.create(
        title="Quick pulse: deal registration",
        title_zh="快速调查：商机报备",  # noqa: RUF001
        introduction="Two minutes on how deal registration works for you.",
        introduction_zh="用两分钟告诉我们商机报备是否顺手。",
        closes_on=today + dt.timedelta(weeks=3),
    )
    pulse.tiers.set(Tier.objects.filter(code__in=["gold", "platinum"]).order_by("rank"))
    SurveyQuestion.objects.create(
        survey=pulse,
        text="What would make registering a deal quicker?",
        text_zh="怎样让商机报备更快捷？",  # noqa: RUF001
    )
    for invitation in survey_send(survey=pulse, by=sender):
        if invitation.user.username == "platinum.user":
            survey_answer(
                invitation=invitation,
                by=invitation.user,
                score=9,
                reason="Approvals come within a day.",
            )
    stdout.write(
        "Support: 2 demo surveys (one closed with answers, one open that gold.user "
        "has yet to answer) created."
    )
