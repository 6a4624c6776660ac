"""Reads of the learning app: progress, the CERTIFIED_USERS measure, reports."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, DateField, Prefetch, Q
from django.db.models.functions import TruncMonth, TruncQuarter
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from partner_portal.home_cards import Todo
from partner_portal.page_languages import in_user_language, sources
from partner_portal.partners.access import Audience, audience_for
from partner_portal.partners.ownership import partner_owned
from partner_portal.partners.selectors import membership_for

from .models import (
    Certification,
    CertificationAward,
    Enrolment,
    LearningPath,
    LearningPathStep,
    LessonCompletion,
)

# The page classes through their module, read when called: the pages' routes call
# these selectors, so this module is imported while the pages are being defined.
from .models import pages as page_models


def certification_choices() -> list[tuple[str, str]]:
    """(code, name in the reader's language) of every certification, for forms and
    statements that name one by code."""
    return [
        (certification.code, str(certification))
        for certification in Certification.objects.only(
            "code", "name", "name_zh"
        ).order_by("name")
    ]


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
    courses = sources(page_models.CoursePage.objects.live().filter(audience.q()))
    if pages is not None:
        courses = courses.filter(pk__in=pages.values("pk"))
    return courses.select_related("product").order_by("path")


def course_progress(*, user, course: page_models.CoursePage) -> dict:
    """The learner's current pass through a course, for the course page: only the
    lessons the user may see are listed and counted."""
    from .services import current_enrolment, quiz_state

    audience = audience_for(user)
    lessons = in_user_language(course.lessons_for(audience), audience)
    if not audience.is_partner:
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


def lesson_state(*, user, lesson: page_models.LessonPage) -> dict:
    from .services import current_enrolment

    if not audience_for(user).is_partner:
        return {"learner": False}
    enrolment = current_enrolment(user=user, course=lesson.course)
    done = enrolment is not None and lesson.pk in enrolment.completed_lesson_ids()
    return {"learner": True, "enrolment": enrolment, "lesson_done": done}


class PathStatus:
    NOT_STARTED = "not-started"
    IN_PROGRESS = "in-progress"
    COMPLETED = "completed"


def learning_paths_for(user) -> list[dict]:
    """The learning paths for the user's role and tier, with their progress.

    Each path lists, in the editors' order, only the live courses the user may
    see under the access rule; a path with none of those is left out. A course
    counts as completed once any pass through it was; otherwise the open pass
    says how many of its live lessons the user may see are done. A fixed number
    of queries, however many paths and courses.
    """
    audience = audience_for(user)
    if not audience.is_partner:
        return []
    membership = membership_for(user)
    role, tier_id = membership.role, membership.partner.tier_id
    steps = (
        LearningPathStep.objects.filter(course__in=courses_for(audience))
        .select_related("course")
        .order_by("sort_order")
    )
    paths = [
        path
        for path in LearningPath.objects.for_member(
            role=role, tier_id=tier_id
        ).prefetch_related(Prefetch("steps", queryset=steps))
        if path.steps.all()
    ]
    courses = {step.course.pk: step.course for p in paths for step in p.steps.all()}
    if not courses:
        return []
    in_user_language(courses.values(), audience)
    lessons_of = {pk: set() for pk in courses}
    course_by_path = {course.path: pk for pk, course in courses.items()}
    lesson_filter = Q()
    for course in courses.values():
        lesson_filter |= Q(path__startswith=course.path, depth=course.depth + 1)
    for lesson_pk, lesson_path in (
        page_models.LessonPage.objects.live()
        .filter(lesson_filter)
        .visible_to(audience)
        .values_list("pk", "path")
    ):
        parent = course_by_path[lesson_path[: -page_models.LessonPage.steplen]]
        lessons_of[parent].add(lesson_pk)
    completed, open_enrolments = set(), {}
    for pk, course_id, completed_at in Enrolment.objects.filter(
        user=user, course_id__in=courses
    ).values_list("pk", "course_id", "completed_at"):
        if completed_at is not None:
            completed.add(course_id)
        else:
            open_enrolments[pk] = course_id
    done_of = {pk: set() for pk in courses}
    for enrolment_id, lesson_id in LessonCompletion.objects.filter(
        enrolment_id__in=open_enrolments
    ).values_list("enrolment_id", "lesson_id"):
        done_of[open_enrolments[enrolment_id]].add(lesson_id)
    started = set(open_enrolments.values())

    def step_progress(course):
        lessons = lessons_of[course.pk]
        if course.pk in completed:
            status = PathStatus.COMPLETED
        elif course.pk in started:
            status = PathStatus.IN_PROGRESS
        else:
            status = PathStatus.NOT_STARTED
        return {
            "course": course,
            "status": status,
            "done_count": len(done_of[course.pk] & lessons),
            "lesson_count": len(lessons),
        }

    result = []
    for path in paths:
        items = [step_progress(step.course) for step in path.steps.all()]
        result.append(
            {
                "path": path,
                "courses": items,
                "completed_count": sum(
                    item["status"] == PathStatus.COMPLETED for item in items
                ),
                "course_count": len(items),
            }
        )
    return result


def awards_of(user):
    return CertificationAward.objects.filter(user=user).select_related("certification")


def _enrolments_in_progress(user, audience):
    """The user's unfinished enrolments in live courses their audience may still
    see (a course can be raised above their tier after they enrolled)."""
    visible = page_models.CoursePage.objects.live().filter(audience.q())
    return Enrolment.objects.filter(
        user=user, completed_at__isnull=True, course__in=visible
    )


def learning_card(request):
    """The home card: courses under way and certifications held."""
    if not audience_for(request.user).is_partner:
        return None
    today = timezone.localdate()
    enrolments = list(
        _enrolments_in_progress(request.user, audience_for(request.user))
        .select_related("course")
        .order_by("-enrolled_at")[:5]
    )
    in_user_language(
        [enrolment.course for enrolment in enrolments], audience_for(request.user)
    )
    awards = list(awards_of(request.user).active_on(today))
    return {
        "enrolments": enrolments,
        "awards": awards,
        "paths": learning_paths_for(request.user),
    }


# Staff reports: each counts only the partners the viewer may see ------------------


def _enrolments_of(viewer):
    return partner_owned.policy_for(Enrolment).in_scope(viewer)


def completion_by(dimension: str, *, viewer):
    """Enrolments and completions grouped by course, partner or tier."""
    field = {
        "course": "course__title",
        "partner": "partner__name",
        "tier": "partner__tier__name",
    }[dimension]
    rows = (
        _enrolments_of(viewer)
        .values(field)
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


def quiz_pass_rates(*, viewer):
    from .models import QuizAttempt

    rows = (
        QuizAttempt.objects.filter(
            submitted_at__isnull=False, enrolment__in=_enrolments_of(viewer)
        )
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


def hardest_questions(*, viewer, limit: int = 20):
    """Questions by share of wrong answers over submitted attempts, worst first."""
    from .models import QuizAttempt

    tally: dict[tuple[int, str], list[int]] = {}
    attempts = QuizAttempt.objects.filter(
        submitted_at__isnull=False, enrolment__in=_enrolments_of(viewer)
    ).values_list("enrolment__course_id", "results")
    for course_id, results in attempts.iterator():
        for question_id, right in results.items():
            counts = tally.setdefault((course_id, question_id), [0, 0])
            counts[0] += 1
            counts[1] += 0 if right else 1
    courses = page_models.CoursePage.objects.in_bulk(
        {course_id for course_id, _ in tally}
    )
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


def _awards_of(viewer):
    return partner_owned.policy_for(CertificationAward).visible_to(viewer)


def _expiring(awards, days: int, today: date):
    """The awards that run out within `days` of `today`, not revoked."""
    return awards.expiring_between(today, today + timedelta(days))


def expiring_awards(days: int, *, viewer, today: date | None = None):
    today = today or timezone.localdate()
    return (
        _expiring(_awards_of(viewer), days, today)
        .select_related("certification", "user", "partner")
        .order_by("expires_at")
    )


def certified_users_per_partner(*, viewer, today: date | None = None):
    today = today or timezone.localdate()
    return (
        _awards_of(viewer)
        .active_on(today)
        .values("partner__name")
        .annotate(users=Count("user_id", distinct=True))
        .order_by("-users", "partner__name")
    )


def lessons_completed_by_partner(partners, start, end) -> dict[int, int]:
    """{partner id: lessons completed} by the users of `partners` (a queryset)
    from the moment `start` to just before `end`; one aggregate."""
    rows = (
        LessonCompletion.objects.filter(
            enrolment__partner__in=partners,
            completed_at__gte=start,
            completed_at__lt=end,
        )
        .order_by()
        .values("enrolment__partner_id")
        .annotate(count=Count("pk"))
    )
    return {row["enrolment__partner_id"]: row["count"] for row in rows}


# Scorecards ------------------------------------------------------------------------


def completions_per(enrolments, first: date, last: date, *, by) -> list[dict]:
    """[{*by, "count"}] of the course completions of `enrolments` (scoped) from the
    local day `first` to `last`, both included, grouped by `by`: any of
    "partner_id" and "quarter" (the first day of the completion's quarter); one
    aggregate."""
    return list(
        enrolments.filter(completed_at__date__gte=first, completed_at__date__lte=last)
        .annotate(quarter=TruncQuarter("completed_at", output_field=DateField()))
        .order_by()
        .values(*by)
        .annotate(count=Count("pk"))
    )


def certified_users_on(awards, days) -> dict[date, int]:
    """{day: distinct users holding an award of `awards` (scoped) active that day}
    for each of `days`; one aggregate, a filtered count per day."""
    counts = awards.order_by().aggregate(
        **{
            f"on_{index}": Count(
                "user_id",
                distinct=True,
                filter=CertificationAward.objects.active_q(day),
            )
            for index, day in enumerate(days)
        }
    )
    return {day: counts[f"on_{index}"] for index, day in enumerate(days)}


# The channel dashboard -------------------------------------------------------------

# The dashboard's windows for certifications about to expire, in days from today.
EXPIRY_WINDOWS = (30, 60, 90)


def expiring_counts(
    awards, today: date, windows: tuple[int, ...] = EXPIRY_WINDOWS
) -> dict[int, int]:
    """{days: how many of `awards` (scoped) run out within that many days of
    `today`}, each as `expiring_awards(days)` lists them; one aggregate."""
    counts = (
        _expiring(awards, max(windows), today)
        .order_by()
        .aggregate(
            **{
                f"within_{days}": Count(
                    "pk", filter=Q(expires_at__lte=today + timedelta(days))
                )
                for days in windows
            }
        )
    )
    return {days: counts[f"within_{days}"] for days in windows}


def enrolments_by_month(enrolments, first: date, last: date) -> dict[date, dict]:
    """{first day of a month: {"enrolled", "completed"}} of `enrolments` (scoped):
    the passes begun, and those completed, in each month from the local day
    `first` to `last`, both included; two aggregates. Months with neither are
    left out."""
    months: dict[date, dict] = {}
    for event, field in (("enrolled", "enrolled_at"), ("completed", "completed_at")):
        rows = (
            enrolments.filter(**{f"{field}__date__range": (first, last)})
            .annotate(month=TruncMonth(field, output_field=DateField()))
            .order_by()
            .values("month")
            .annotate(count=Count("pk"))
        )
        for row in rows:
            months.setdefault(row["month"], {"enrolled": 0, "completed": 0})[event] = (
                row["count"]
            )
    return months


# The partner home's to-dos: certifications that lapse within this many days.
RENEW_WITHIN = timedelta(days=30)


def learning_todos(request):
    """The partner home's to-dos: each course the user is part-way through (that
    they may still see) and each certification of theirs that lapses within
    `RENEW_WITHIN` without a later award of the same certification."""
    audience = audience_for(request.user)
    if not audience.is_partner:
        return []
    today = timezone.localdate()
    courses = in_user_language(
        [
            enrolment.course
            for enrolment in _enrolments_in_progress(request.user, audience)
            .select_related("course")
            .order_by("-enrolled_at")
        ],
        audience,
    )
    todos = [
        Todo(
            _("Continue the course “%(course)s”.") % {"course": course.title},
            course.get_url(request),
        )
        for course in courses
    ]
    awards = awards_of(request.user)
    renewed = awards.filter(expires_at__gt=today + RENEW_WITHIN).values("certification")
    for award in (
        awards.expiring_between(today, today + RENEW_WITHIN)
        .exclude(certification__in=renewed)
        .order_by("expires_at")
    ):
        todos.append(
            Todo(
                _("Renew your certification “%(name)s” before it expires on %(day)s.")
                % {
                    "name": str(award.certification),
                    "day": date_format(award.expires_at, "DATE_FORMAT"),
                },
                reverse("learning-home"),
            )
        )
    return todos
