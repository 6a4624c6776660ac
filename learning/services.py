"""Writes of the learning app: enrolments, progress, quiz grading, awards."""

from __future__ import annotations

import calendar
import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partner_portal.page_languages import in_user_language
from partner_portal.partners.access import audience_for
from partner_portal.partners.models import PartnerMembership, User
from partner_portal.partners.onboarding import onboarding_event

from .models import (
    Certification,
    CertificationAward,
    Enrolment,
    LessonCompletion,
    QuizAttempt,
)
from .signals import award_expired

if TYPE_CHECKING:
    # Only named in annotations: the pages' routes call these services, so this
    # module is imported while learning.models.pages is being defined.
    from .models import CoursePage, LessonPage

_shuffle = random.SystemRandom().shuffle


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has none."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _partner_of(user: User):
    membership = PartnerMembership.objects.select_related("partner").get(user=user)
    return membership.partner


def _required_lesson_ids(enrolment: Enrolment, course: CoursePage) -> set[int]:
    """The lessons a pass through the course needs: those its learner may see. A
    lesson above their tier is neither shown to them nor held against them."""
    lessons = course.lessons_for(audience_for(enrolment.user))
    return set(lessons.values_list("pk", flat=True))


def current_enrolment(*, user: User, course: CoursePage) -> Enrolment | None:
    return Enrolment.objects.filter(user=user, course=course).first()


@transaction.atomic
def enrolment_start(*, user: User, course: CoursePage) -> Enrolment:
    """Enrol the user, or return their unfinished enrolment.

    Raises ValidationError while a prerequisite course is not completed. Enrolling
    again in a completed course starts a new pass: that is how a
    certification is renewed.
    """
    enrolment = current_enrolment(user=user, course=course)
    if enrolment is not None and not enrolment.is_complete:
        return enrolment
    completed = set(
        Enrolment.objects.filter(user=user, completed_at__isnull=False).values_list(
            "course_id", flat=True
        )
    )
    missing = [
        prerequisite.title
        for prerequisite in in_user_language(
            [
                prerequisite
                for prerequisite in course.prerequisites.all()
                if prerequisite.pk not in completed
            ],
            audience_for(user),
        )
    ]
    if missing:
        raise ValidationError(
            _("Complete these courses first: %(courses)s.")
            % {"courses": ", ".join(missing)}
        )
    return Enrolment.objects.create(user=user, course=course, partner=_partner_of(user))


@transaction.atomic
def lesson_open(*, user: User, lesson: LessonPage) -> None:
    """Remember the lesson a learner opened last, so they can resume there."""
    enrolment = current_enrolment(user=user, course=lesson.course)
    if enrolment is not None and not enrolment.is_complete:
        Enrolment.objects.filter(pk=enrolment.pk).update(last_lesson=lesson)


@transaction.atomic
def lesson_complete(*, user: User, lesson: LessonPage) -> LessonPage | None:
    """Mark a lesson done (enrolling first if need be); return the next lesson."""
    course = lesson.course
    enrolment = current_enrolment(user=user, course=course)
    if enrolment is None:
        enrolment = enrolment_start(user=user, course=course)
    if enrolment.is_complete:
        return None
    LessonCompletion.objects.get_or_create(enrolment=enrolment, lesson=lesson)
    course_check(enrolment=enrolment)
    done = enrolment.completed_lesson_ids()
    lessons = list(course.lessons_for(audience_for(user)))
    after = lessons[[item.pk for item in lessons].index(lesson.pk) + 1 :]
    for candidate in after + lessons:
        if candidate.pk not in done:
            return candidate
    return None


@dataclass(frozen=True)
class QuizState:
    """What a learner may do with a course's quiz now."""

    enrolment: Enrolment | None
    open_attempt: QuizAttempt | None
    attempts_used: int
    attempts_left: int | None  # None: no limit
    passed: bool
    available_at: object | None  # a datetime while cooling down
    lessons_done: bool

    @property
    def may_start(self):
        return (
            self.enrolment is not None
            and not self.passed
            and self.open_attempt is None
            and self.attempts_left != 0
            and self.available_at is None
        )


def quiz_state(*, enrolment: Enrolment | None, course: CoursePage) -> QuizState:
    if enrolment is None:
        return QuizState(None, None, 0, course.max_attempts or None, False, None, False)
    attempts = list(enrolment.attempts.all())
    submitted = [a for a in attempts if not a.is_open]
    open_attempt = next((a for a in attempts if a.is_open), None)
    left = None
    if course.max_attempts:
        left = max(course.max_attempts - len(submitted), 0)
    available_at = None
    if submitted and not submitted[0].passed:
        until = submitted[0].submitted_at + timedelta(minutes=course.cooldown_minutes)
        if until > timezone.now():
            available_at = until
    lessons_done = _required_lesson_ids(enrolment, course) <= (
        enrolment.completed_lesson_ids()
    )
    return QuizState(
        enrolment,
        open_attempt,
        len(submitted),
        left,
        any(a.passed for a in submitted),
        available_at,
        lessons_done,
    )


@transaction.atomic
def quiz_attempt_start(*, user: User, course: CoursePage) -> QuizAttempt:
    """Start an attempt with questions and options in a fresh random order.

    Raises ValidationError when the attempt limit is used up, the learner is
    cooling down after a failed attempt, or has passed already.
    """
    if not course.has_quiz:
        raise ValidationError(_("This course has no quiz."))
    enrolment = current_enrolment(user=user, course=course)
    if enrolment is None:
        enrolment = enrolment_start(user=user, course=course)
    # Serialise attempts of one enrolment, so that two tabs cannot both start one.
    Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    state = quiz_state(enrolment=enrolment, course=course)
    if state.open_attempt is not None:
        return state.open_attempt
    if state.passed:
        raise ValidationError(_("You have passed this quiz already."))
    if state.attempts_left == 0:
        raise ValidationError(_("You have used every attempt at this quiz."))
    if state.available_at is not None:
        raise ValidationError(
            _("You can try the quiz again after %(time)s.")
            % {"time": timezone.localtime(state.available_at).strftime("%H:%M")}
        )
    layout = []
    for block in course.questions:
        options = list(range(len(block.value["options"])))
        _shuffle(options)
        layout.append({"question": block.id, "options": options})
    _shuffle(layout)
    return QuizAttempt.objects.create(enrolment=enrolment, layout=layout)


def _correct_options(question) -> set[int]:
    return {i for i, option in enumerate(question["options"]) if option["correct"]}


@transaction.atomic
def quiz_attempt_submit(
    *, attempt: QuizAttempt, answers: dict[str, list[int]]
) -> QuizAttempt:
    """Grade an open attempt on the server.

    `answers` maps a question's block id to the chosen option indexes. A question
    scores when exactly the correct options are chosen; a single-choice question
    accepts one option only. The score is the percentage of questions right.
    """
    attempt = QuizAttempt.objects.select_for_update().get(pk=attempt.pk)
    if not attempt.is_open:
        raise ValidationError(_("This attempt has been submitted already."))
    course = attempt.enrolment.course.specific
    questions = course.question_blocks()
    results, chosen = {}, {}
    for item in attempt.layout:
        question = questions.get(item["question"])
        if question is None:
            continue  # removed from the quiz since the attempt started
        picked = {int(i) for i in answers.get(item["question"], [])}
        picked &= set(item["options"])
        if not question["multiple"] and len(picked) > 1:
            picked = set()
        chosen[item["question"]] = sorted(picked)
        results[item["question"]] = picked == _correct_options(question)
    total = len(results)
    score = round(100 * sum(results.values()) / total) if total else 100
    attempt.answers = chosen
    attempt.results = results
    attempt.score = score
    attempt.passed = score >= course.passing_score
    attempt.submitted_at = timezone.now()
    attempt.save()
    if attempt.passed:
        course_check(enrolment=attempt.enrolment)
    return attempt


@transaction.atomic
def course_check(*, enrolment: Enrolment) -> bool:
    """Complete the enrolment when every lesson the learner may see is done and
    the quiz passed.

    Returns whether it became complete now. Completion reports the onboarding
    event and awards every certification whose last required course this was.
    """
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.is_complete:
        return False
    course = enrolment.course.specific
    if not _required_lesson_ids(enrolment, course) <= enrolment.completed_lesson_ids():
        return False
    if course.has_quiz and not enrolment.attempts.filter(passed=True).exists():
        return False
    enrolment.completed_at = timezone.now()
    enrolment.save(update_fields=["completed_at"])
    onboarding_event(
        partner=enrolment.partner,
        kind="complete_course",
        reference=course.code,
        by=enrolment.user,
    )
    for certification in course.certifications.all():
        certification_check(user=enrolment.user, certification=certification)
    return True


@transaction.atomic
def certification_check(
    *, user: User, certification: Certification
) -> CertificationAward | None:
    """Award the certification if the user completed every required course since
    their last award of it (or ever, for a first award). Awards at most once per
    round of completions, so calling it again changes nothing.
    """
    # Lock the user's row: two completions at once must not award twice.
    User.objects.select_for_update().get(pk=user.pk)
    last = (
        CertificationAward.objects.filter(user=user, certification=certification)
        .order_by("-created_at")
        .first()
    )
    since = last.created_at if last else None
    required = list(certification.required_courses.all())
    if not required:
        return None
    for course in required:
        done = Enrolment.objects.filter(
            user=user, course=course, completed_at__isnull=False
        )
        if since is not None:
            done = done.filter(completed_at__gt=since)
        if not done.exists():
            return None
    today = timezone.localdate()
    return award_create(
        user=user,
        certification=certification,
        issued_at=today,
        expires_at=add_months(today, certification.validity_months),
    )


def award_create(
    *,
    user: User,
    certification: Certification,
    issued_at: date,
    expires_at: date,
    credential_id: str | None = None,
    source: str = "earned",
) -> CertificationAward:
    award = CertificationAward(
        user=user,
        partner=_partner_of(user),
        certification=certification,
        issued_at=issued_at,
        expires_at=expires_at,
        source=source,
    )
    if credential_id:
        award.credential_id = credential_id
    award.full_clean()
    award.save()
    return award


@transaction.atomic
def award_revoke(
    *, award: CertificationAward, by: User, reason: str, on: date | None = None
) -> CertificationAward:
    """Revoke an award from `on` (today by default); it stops counting that day."""
    if not reason.strip():
        raise ValidationError({"revoked_reason": _("Give a reason for revoking.")})
    if award.revoked_on is not None:
        raise ValidationError(_("This award has been revoked already."))
    award.revoked_on = on or timezone.localdate()
    award.revoked_reason = reason.strip()
    award.revoked_by = by
    award.full_clean()
    award.save(
        update_fields=["revoked_on", "revoked_reason", "revoked_by", "updated_at"]
    )
    return award


def award_expiries_record(*, today: date | None = None) -> int:
    """Record, once, each award whose expiry has come; returns how many.

    Run daily. `award_expired` is sent in the transaction that records the expiry,
    so what its receivers write (webhook deliveries) commits with it, and a second
    run the same day finds nothing to do.
    """
    today = today or timezone.localdate()
    due = CertificationAward.objects.expired_unrecorded(today).select_related(
        "user", "partner", "certification"
    )
    recorded = 0
    for award in due:
        with transaction.atomic():
            now = timezone.now()
            claimed = CertificationAward.objects.filter(
                pk=award.pk, expiry_recorded_at__isnull=True
            ).update(expiry_recorded_at=now, updated_at=now)
            if claimed:
                award.expiry_recorded_at = award.updated_at = now
                award_expired.send(sender=CertificationAward, award=award)
                recorded += 1
    return recorded
