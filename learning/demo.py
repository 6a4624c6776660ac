"""The learning part of the demo data set: a course index, three courses at
different access levels, their lessons and quizzes, a certification and two
learning paths.

Idempotent: whatever exists (matched by course code, certification code, path
name or slug) is left as it is, so a second run changes nothing.
"""

from django.db import transaction

from wagtail.models import Site

from partner_portal.partners.models import AccessLevel, Tier

from .models import (
    Certification,
    CourseIndexPage,
    CoursePage,
    LearningPath,
    LearningPathStep,
    LessonPage,
)

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

CERTIFICATION = {
    "code": "certified-associate",
    "name": "Certified Platform Associate",
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


@transaction.atomic
def seed_learning(*, stdout):
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        return
    index = CourseIndexPage.objects.filter(slug=INDEX_SLUG).first()
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
        if CoursePage.objects.filter(code=spec["code"]).exists():
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
                    body=[
                        {"type": "text", "value": f"<p>{text}</p>"},
                        {
                            "type": "callout",
                            "value": {"kind": "tip", "text": f"<p>{text}</p>"},
                        },
                    ],
                )
            )
        stdout.write(f"Created the course {spec['code']}.")
    if not Certification.objects.filter(code=CERTIFICATION["code"]).exists():
        certification = Certification(
            code=CERTIFICATION["code"],
            name=CERTIFICATION["name"],
            description=CERTIFICATION["description"],
            validity_months=CERTIFICATION["validity_months"],
        )
        certification.required_courses.set(
            CoursePage.objects.filter(code__in=CERTIFICATION["courses"])
        )
        certification.save()
        stdout.write(f"Created the certification {CERTIFICATION['code']}.")
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
            LearningPathStep(course=CoursePage.objects.get(code=code))
            for code in spec["courses"]
        ]
        path.save()
        stdout.write(f"Created the learning path {spec['name']}.")
