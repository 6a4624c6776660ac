"""Reads of the learning app: progress, the CERTIFIED_USERS measure, reports."""

from datetime import date, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from partner_portal.partners.access import Audience, audience_for

from .models import CertificationAward, CoursePage, Enrolment, LessonPage


def compute_certified_users(
    partner_ids: list[int], as_of: date, certification_code: str = ""
) -> dict[int, int]:
    """Distinct users per partner with an award active on `as_of` (one query)."""
    awards = CertificationAward.objects.active_on(as_of).filter(
        partner_id__in=partner_ids
    )
    if certification_code:
        awards = awards.filter(certification__code=certification_code)
    rows = awards.values("partner_id").annotate(users=Count("user_id", distinct=True))
    return {row["partner_id"]: row["users"] for row in rows}


def courses_for(audience: Audience, pages=None):
    """Live courses the audience may see, in page-tree order."""
    courses = CoursePage.objects.live().filter(audience.q())
    if pages is not None:
        courses = courses.filter(pk__in=pages.values("pk"))
    return courses.select_related("product").order_by("path")


def course_progress(*, user, course: CoursePage) -> dict:
    """The learner's current pass through a course, for the course page."""
    from .services import current_enrolment, quiz_state

    lessons = list(course.lessons())
    if not audience_for(user).is_partner:
        return {"learner": False, "lessons": lessons}
    enrolment = current_enrolment(user=user, course=course)
    done = enrolment.completed_lesson_ids() if enrolment else set()
    return {
        "learner": True,
        "enrolment": enrolment,
        "done": done,
        "lessons": [(lesson, lesson.pk in done) for lesson in lessons],
        "done_count": len(done & {lesson.pk for lesson in lessons}),
        "lesson_count": len(lessons),
        "resume": enrolment.resume_lesson() if enrolment else None,
        "quiz": quiz_state(enrolment=enrolment, course=course),
    }


def lesson_state(*, user, lesson: LessonPage) -> dict:
    from .services import current_enrolment

    if not audience_for(user).is_partner:
        return {"learner": False}
    enrolment = current_enrolment(user=user, course=lesson.course)
    done = enrolment is not None and lesson.pk in enrolment.completed_lesson_ids()
    return {"learner": True, "enrolment": enrolment, "lesson_done": done}


def awards_of(user):
    return CertificationAward.objects.filter(user=user).select_related("certification")


def learning_card(request):
    """The home card: courses under way and certifications held."""
    if not audience_for(request.user).is_partner:
        return None
    today = timezone.localdate()
    enrolments = (
        Enrolment.objects.filter(user=request.user, completed_at__isnull=True)
        .select_related("course")
        .order_by("-enrolled_at")[:5]
    )
    awards = list(awards_of(request.user).active_on(today))
    return {"enrolments": enrolments, "awards": awards}


# Staff reports -------------------------------------------------------------------


def completion_by(dimension: str):
    """Enrolments and completions grouped by course, partner or tier."""
    field = {
        "course": "course__title",
        "partner": "partner__name",
        "tier": "partner__tier__name",
    }[dimension]
    rows = (
        Enrolment.objects.values(field)
        .annotate(
            enrolled=Count("pk"),
            completed=Count("pk", filter=Q(completed_at__isnull=False)),
        )
        .order_by(field)
    )
    return [
        {
            "name": row[field],
            "enrolled": row["enrolled"],
            "completed": row["completed"],
            "rate": round(100 * row["completed"] / row["enrolled"]),
        }
        for row in rows
    ]


def quiz_pass_rates():
    from .models import QuizAttempt

    rows = (
        QuizAttempt.objects.filter(submitted_at__isnull=False)
        .values("enrolment__course__title")
        .annotate(attempts=Count("pk"), passed=Count("pk", filter=Q(passed=True)))
        .order_by("enrolment__course__title")
    )
    return [
        {
            "name": row["enrolment__course__title"],
            "attempts": row["attempts"],
            "passed": row["passed"],
            "rate": round(100 * row["passed"] / row["attempts"]),
        }
        for row in rows
    ]


def hardest_questions(limit: int = 20):
    """Questions by share of wrong answers over submitted attempts, worst first."""
    from .models import QuizAttempt

    tally: dict[tuple[int, str], list[int]] = {}
    attempts = QuizAttempt.objects.filter(submitted_at__isnull=False).values_list(
        "enrolment__course_id", "results"
    )
    for course_id, results in attempts.iterator():
        for question_id, right in results.items():
            counts = tally.setdefault((course_id, question_id), [0, 0])
            counts[0] += 1
            counts[1] += 0 if right else 1
    courses = CoursePage.objects.in_bulk({course_id for course_id, _ in tally})
    rows = []
    for (course_id, question_id), (answered, wrong) in tally.items():
        course = courses.get(course_id)
        question = course.question_blocks().get(question_id) if course else None
        rows.append(
            {
                "course": course.title if course else "",
                "question": question["text"] if question else question_id,
                "answered": answered,
                "wrong": wrong,
                "rate": round(100 * wrong / answered),
            }
        )
    rows.sort(key=lambda row: (-row["rate"], -row["answered"]))
    return rows[:limit]


def expiring_awards(days: int, today: date | None = None):
    today = today or timezone.localdate()
    return (
        CertificationAward.objects.expiring_between(today, today + timedelta(days))
        .select_related("certification", "user", "partner")
        .order_by("expires_at")
    )


def certified_users_per_partner(today: date | None = None):
    today = today or timezone.localdate()
    return (
        CertificationAward.objects.active_on(today)
        .values("partner__name")
        .annotate(users=Count("user_id", distinct=True))
        .order_by("-users", "partner__name")
    )
