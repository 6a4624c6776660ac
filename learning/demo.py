"""The learning part of the demo data set: a course index, three courses at
different access levels, their lessons and quizzes, a certification and two
learning paths.

Then the demo partner users' learning over the last months: enrolments, lessons,
quizzes and certification awards on the days they happened, so the dashboard,
scorecards and health scores have training to count; three certifications run
out within 30, 60 and 90 days.

Idempotent: whatever exists (matched by course code, certification code, path
name or slug, a user's enrolment in a course) is left as it is, so a second run
changes nothing.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from wagtail.models import Site

from partner_portal.page_languages import (
    source_language,
    sources,
    translation_publish,
)
from partner_portal.partners.access import audience_for
from partner_portal.partners.models import AccessLevel, Tier, User

from .models import (
    Certification,
    CertificationAward,
    CourseIndexPage,
    CoursePage,
    Enrolment,
    LearningPath,
    LearningPathStep,
    LessonCompletion,
    LessonPage,
    QuizAttempt,
)
from .services import add_months, award_create

INDEX_SLUG = "academy"


def _question(qid, text, options, *, multiple=False, explanation=""):
    return {
        "type": "question",
        "id": qid,
        "value": {
            "text": text,
            "multiple": multiple,
            "explanation": explanation,
            "options": [
                {"type": "item", "id": f"{qid}-{n}", "value": {"text": t, "correct": c}}
                for n, (t, c) in enumerate(options)
            ],
        },
    }


COURSES = [
    {
        "code": "platform-basics",
        "title": "Platform basics",
        "summary": "What the platform does, who buys it and how it is licensed.",
        "level": "beginner",
        "access_level": AccessLevel.PARTNER,
        "min_tier": None,
        "lessons": [
            ("What the platform does", "The platform secures and monitors networks."),
            ("Licensing", "Licences are sold per site, per year."),
        ],
        "questions": [
            _question(
                "basics-licence",
                "How is the platform licensed?",
                [
                    ("Per site, per year", True),
                    ("Per user, for life", False),
                    ("It is free", False),
                ],
                explanation="Licences are sold per site, per year.",
            ),
            _question(
                "basics-buyers",
                "Which of these does the platform do?",
                [
                    ("Secure networks", True),
                    ("Monitor networks", True),
                    ("Print invoices", False),
                ],
                multiple=True,
                explanation="It secures and monitors networks.",
            ),
        ],
    },
    {
        "code": "selling-security",
        "title": "Selling security",
        "summary": "Find the buyer, qualify the deal and register it.",
        "level": "intermediate",
        "access_level": AccessLevel.TIER,
        "min_tier": "silver",
        "lessons": [
            ("Finding the buyer", "Security buyers are the CISO and IT operations."),
            ("Registering deals", "Register a deal before the first meeting."),
        ],
        "questions": [
            _question(
                "selling-register",
                "When do you register a deal?",
                [("Before the first meeting", True), ("After it is won", False)],
                explanation="Registration protects the deal from the start.",
            ),
        ],
    },
    {
        "code": "advanced-deployment",
        "title": "Advanced deployment",
        "summary": "Deploy and tune the platform for large customers.",
        "level": "advanced",
        "access_level": AccessLevel.TIER,
        "min_tier": "gold",
        "lessons": [
            ("High availability", "Run two collectors per site for failover."),
        ],
        "questions": [
            _question(
                "deploy-ha",
                "How many collectors does a highly available site run?",
                [("Two", True), ("One", False), ("None", False)],
            ),
        ],
    },
]

# The Chinese versions of the academy's pages (see partner_portal/page_languages):
# by course code, the course's words and its lessons' (title, summary) in order.
INDEX_ZH = {
    "title": "合作伙伴学院",
    "intro": "<p>面向合作伙伴员工的课程与认证。</p>",
}
COURSES_ZH = {
    "platform-basics": {
        "title": "平台入门",
        "summary": "了解平台能做什么、谁会购买，以及如何授权。",  # noqa: RUF001
        "lessons": [
            ("平台能做什么", "平台为企业网络提供安全防护和运行监控。"),
            ("授权方式", "平台按站点、按年授权。"),
        ],
    },
    "selling-security": {
        "title": "安全产品销售",
        "summary": "找到决策人，评估商机，并及时报备。",  # noqa: RUF001
        "lessons": [
            ("找到决策人", "安全产品的决策人通常是首席信息安全官和 IT 运维负责人。"),
            ("商机报备", "第一次拜访客户之前就要完成商机报备。"),
        ],
    },
    "advanced-deployment": {
        "title": "高级部署",
        "summary": "为大型客户部署平台并进行性能调优。",
        "lessons": [
            ("高可用部署", "每个站点部署两台采集器，实现故障自动切换。"),  # noqa: RUF001
        ],
    },
}


def _lesson_body(text):
    return [
        {"type": "text", "value": f"<p>{text}</p>"},
        {"type": "callout", "value": {"kind": "tip", "text": f"<p>{text}</p>"}},
    ]


def _translate_academy(index):
    """The academy's Chinese versions: the index, each course and its lessons."""
    translation_publish(index, "zh-hans", **INDEX_ZH)
    for code, words in COURSES_ZH.items():
        course = CoursePage.objects.filter(code=code, locale=index.locale).first()
        if course is None:
            continue
        translation_publish(
            course,
            "zh-hans",
            title=words["title"],
            summary=words["summary"],
            objectives=f"<ul><li>{words['summary']}</li></ul>",
        )
        for lesson, (title, text) in zip(
            course.lessons(), words["lessons"], strict=False
        ):
            translation_publish(
                lesson, "zh-hans", title=title, summary=text, body=_lesson_body(text)
            )


CERTIFICATION = {
    "code": "certified-associate",
    "name": "Certified Platform Associate",
    "name_zh": "平台认证专员",
    "description": "Knows the platform and how it is sold.",
    "validity_months": 24,
    "courses": ["platform-basics"],
}

# The demo's silver.user (Contoso) is in sales, platinum.user (Fabrikam) technical.
PATHS = [
    {
        "name": "Sales at Silver",
        "description": "From the platform's basics to selling and registering deals.",
        "role": "sales",
        "tier": "silver",
        "courses": ["platform-basics", "selling-security"],
    },
    {
        "name": "Technical track",
        "description": "Know the platform, then deploy it for large customers.",
        "role": "technical",
        "tier": None,
        "courses": ["platform-basics", "advanced-deployment"],
    },
]


# (username, course, enrolled days ago, completed days ago or None: in progress,
# one lesson done). Completing platform-basics awards the certification; the
# tiers' requirements (partners.demo) count its holders. The demo logins have
# not taken Platform basics: signed in as one, a visitor takes it.
ACTIVITY = [
    ("jo.northwind", "platform-basics", 200, 195),
    ("silver.user", "selling-security", 50, 41),
    ("kim.contoso", "platform-basics", 300, 290),
    ("chen.hao", "platform-basics", 330, 320),
    ("zhang.min", "platform-basics", 150, 140),
    ("wang.fang", "platform-basics", 40, 33),
    ("wang.fang", "advanced-deployment", 25, None),
    ("jan.fabrikam", "platform-basics", 360, 350),
    ("platinum.user", "advanced-deployment", 100, 90),
    ("max.fabrikam", "platform-basics", 250, 240),
    ("lena.fabrikam", "platform-basics", 70, 60),
    ("lena.fabrikam", "selling-security", 30, None),
    ("tom.fabrikam", "platform-basics", 45, 20),
    ("raj.wideworld", "platform-basics", 35, None),
    ("mia.proseware", "platform-basics", 280, 270),
    ("mia.proseware", "selling-security", 80, 75),
    ("leo.proseware", "platform-basics", 18, 10),
    ("nina.lucerne", "platform-basics", 230, 225),
    ("tan.woodgrove", "platform-basics", 310, 300),
    ("tan.woodgrove", "advanced-deployment", 60, 52),
    ("raj.woodgrove", "platform-basics", 90, 85),
    ("eva.alpine", "platform-basics", 170, 160),
    ("paul.alpine", "platform-basics", 130, 128),
    ("dan.coho", "platform-basics", 340, 335),
    ("sara.coho", "platform-basics", 210, 200),
    ("joe.coho", "platform-basics", 110, 100),
    ("amy.coho", "platform-basics", 28, 15),
    ("hemi.tasman", "platform-basics", 190, 180),
    ("kate.tasman", "platform-basics", 9, 5),
]
# Users certified about two years ago, whose certification runs out in so many
# days (the dashboard's 30/60/90-day windows).
EXPIRING = {"liu.yang": 20, "ines.fabrikam": 45, "ong.woodgrove": 80}
CERTIFIED_COURSE = "platform-basics"


def _moment(day, hour):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _activity_plan(today):
    """ACTIVITY and EXPIRING as (username, course, enrolled on, completed on)."""
    plan = [
        (
            username,
            course,
            today - dt.timedelta(days=enrolled),
            None if completed is None else today - dt.timedelta(days=completed),
        )
        for username, course, enrolled, completed in ACTIVITY
    ]
    for username, days in EXPIRING.items():
        completed = add_months(today + dt.timedelta(days=days), -24)
        plan.append(
            (username, CERTIFIED_COURSE, completed - dt.timedelta(days=5), completed)
        )
    return plan


def _learn(user, course, enrolled_on, completed_on, certification):
    """One user's pass through a course, on its days: the lessons (all of them,
    or the first while in progress), the quiz answered right on the day of
    completion and, for the certification's course, the award from that day.

    Written as the rows the services leave (the award through `award_create`)
    rather than by replaying each lesson through them: a replay costs about a
    hundred queries a pass, and `seed_demo` runs in many tests.
    """
    lessons = list(course.lessons_for(audience_for(user)))
    done = _moment(completed_on, 15) if completed_on else None
    enrolment = Enrolment.objects.create(
        user=user, course=course, partner=user.membership.partner, completed_at=done
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(
        enrolled_at=_moment(enrolled_on, 9)
    )
    LessonCompletion.objects.bulk_create(
        LessonCompletion(enrolment=enrolment, lesson=lesson)
        for lesson in (lessons if done else lessons[:1])
    )
    LessonCompletion.objects.filter(enrolment=enrolment).update(
        completed_at=_moment(completed_on or enrolled_on, 11)
    )
    if done is None:
        return
    questions = course.question_blocks()
    attempt = QuizAttempt.objects.create(
        enrolment=enrolment,
        layout=[
            {"question": qid, "options": list(range(len(question["options"])))}
            for qid, question in questions.items()
        ],
        answers={
            qid: [
                n for n, option in enumerate(question["options"]) if option["correct"]
            ]
            for qid, question in questions.items()
        },
        results=dict.fromkeys(questions, True),
        score=100,
        passed=True,
        submitted_at=done,
    )
    QuizAttempt.objects.filter(pk=attempt.pk).update(
        started_at=done - dt.timedelta(minutes=12)
    )
    if certification is not None and course.code == CERTIFIED_COURSE:
        award = award_create(
            user=user,
            certification=certification,
            issued_at=completed_on,
            expires_at=add_months(completed_on, certification.validity_months),
        )
        CertificationAward.objects.filter(pk=award.pk).update(created_at=done)


def seed_activity(*, stdout):
    """The demo users' learning (ACTIVITY, EXPIRING) not in yet."""
    today = timezone.localdate()
    plan = _activity_plan(today)
    users = User.objects.select_related("membership__partner__tier").in_bulk(
        [row[0] for row in plan], field_name="username"
    )
    certification = Certification.objects.filter(code=CERTIFICATION["code"]).first()
    courses = {course.code: course for course in sources(CoursePage.objects.live())}
    started = set(
        Enrolment.objects.filter(user__in=users.values()).values_list(
            "user__username", "course__code"
        )
    )
    added = 0
    for username, code, enrolled_on, completed_on in plan:
        user, course = users.get(username), courses.get(code)
        if user is None or course is None or (username, code) in started:
            continue
        _learn(user, course, enrolled_on, completed_on, certification)
        added += 1
    if added:
        stdout.write(f"Learning: {added} demo enrolments of partner users.")


@transaction.atomic
def seed_learning(*, stdout):
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        return
    index = CourseIndexPage.objects.filter(
        slug=INDEX_SLUG, locale__language_code=source_language()
    ).first()
    if index is None:
        index = CourseIndexPage(
            title="Partner academy",
            slug=INDEX_SLUG,
            intro="<p>Courses and certifications for partner users.</p>",
            access_level=AccessLevel.PARTNER,
        )
        site.root_page.add_child(instance=index)
        stdout.write("Created the course index /academy/.")
    for spec in COURSES:
        if CoursePage.objects.filter(code=spec["code"], locale=index.locale).exists():
            continue
        course = CoursePage(
            title=spec["title"],
            slug=spec["code"],
            code=spec["code"],
            summary=spec["summary"],
            objectives=f"<ul><li>{spec['summary']}</li></ul>",
            level=spec["level"],
            estimated_minutes=20 * len(spec["lessons"]),
            access_level=spec["access_level"],
            min_tier=Tier.objects.get(code=spec["min_tier"])
            if spec["min_tier"]
            else None,
            passing_score=80,
            max_attempts=3,
            cooldown_minutes=10,
            questions=spec["questions"],
        )
        index.add_child(instance=course)
        for number, (title, text) in enumerate(spec["lessons"], start=1):
            course.add_child(
                instance=LessonPage(
                    title=title,
                    slug=f"lesson-{number}",
                    summary=text,
                    body=_lesson_body(text),
                )
            )
        stdout.write(f"Created the course {spec['code']}.")
    _translate_academy(index)
    if not Certification.objects.filter(code=CERTIFICATION["code"]).exists():
        certification = Certification(
            code=CERTIFICATION["code"],
            name=CERTIFICATION["name"],
            name_zh=CERTIFICATION["name_zh"],
            description=CERTIFICATION["description"],
            validity_months=CERTIFICATION["validity_months"],
        )
        certification.required_courses.set(
            CoursePage.objects.filter(
                code__in=CERTIFICATION["courses"], locale=index.locale
            )
        )
        certification.save()
        stdout.write(f"Created the certification {CERTIFICATION['code']}.")
    # A demo database seeded before certifications had Chinese names gets one; a
    # name staff gave it, in either language, stays theirs.
    Certification.objects.filter(
        code=CERTIFICATION["code"], name=CERTIFICATION["name"], name_zh=""
    ).update(name_zh=CERTIFICATION["name_zh"])
    for spec in PATHS:
        if LearningPath.objects.filter(name=spec["name"]).exists():
            continue
        path = LearningPath(
            name=spec["name"],
            description=spec["description"],
            role=spec["role"],
            tier=Tier.objects.get(code=spec["tier"]) if spec["tier"] else None,
        )
        path.steps = [
            LearningPathStep(
                course=CoursePage.objects.get(code=code, locale=index.locale)
            )
            for code in spec["courses"]
        ]
        path.save()
        stdout.write(f"Created the learning path {spec['name']}.")
    seed_activity(stdout=stdout)
