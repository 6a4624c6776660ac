"""A partner user's way through a course: enrolment, lessons done, quiz attempts."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from partner_portal.partners.access import audience_for


class Enrolment(models.Model):
    """One pass through a course. Taking a completed course again starts a new one."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="enrolments",
    )
    course = models.ForeignKey(
        "learning.CoursePage",
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="enrolments",
    )
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="enrolments",
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    last_lesson = models.ForeignKey(
        "learning.LessonPage",
        verbose_name=_("last lesson opened"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        ordering = ["-enrolled_at", "-pk"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            # At most one unfinished pass per user and course.
            models.UniqueConstraint(
                fields=["user", "course"],
                condition=models.Q(completed_at__isnull=True),
                name="learning_one_open_enrolment",
            )
        ]

    def __str__(self):
        return f"{self.user}: {self.course}"

    @property
    def is_complete(self):
        return self.completed_at is not None

    def completed_lesson_ids(self):
        return set(self.lesson_completions.values_list("lesson_id", flat=True))

    def resume_lesson(self):
        """The lesson to continue with: the last one opened, else the first not done,
        of those the learner may see now (their tier may have dropped since)."""
        lessons = list(self.course.lessons_for(audience_for(self.user)))
        for lesson in lessons:
            if lesson.pk == self.last_lesson_id:
                return lesson
        done = self.completed_lesson_ids()
        for lesson in lessons:
            if lesson.pk not in done:
                return lesson
        return lessons[0] if lessons else None


class LessonCompletion(models.Model):
    enrolment = models.ForeignKey(
        Enrolment,
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        related_name="lesson_completions",
    )
    lesson = models.ForeignKey(
        "learning.LessonPage",
        verbose_name=_("lesson"),
        on_delete=models.CASCADE,
        related_name="completions",
    )
    completed_at = models.DateTimeField(_("completed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("lesson completion")
        verbose_name_plural = _("lesson completions")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "lesson"], name="learning_lesson_done_once"
            )
        ]

    def __str__(self):
        return f"{self.enrolment}: {self.lesson}"


class QuizAttempt(models.Model):
    """One attempt at a course's quiz, with the shuffled order it was shown in.

    `layout` is [{"question": block id, "options": [option index, ...]}, ...] in the
    order shown; `answers` maps block id to the chosen option indexes. Correctness
    is worked out on the server when the attempt is submitted.
    """

    enrolment = models.ForeignKey(
        Enrolment,
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        related_name="attempts",
    )
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    layout = models.JSONField(_("layout"), default=list)
    answers = models.JSONField(_("answers"), default=dict)
    # Block id -> whether the answer was right, kept for the hardest-questions report.
    results = models.JSONField(_("results"), default=dict)
    score = models.PositiveSmallIntegerField(_("score (percent)"), null=True)
    passed = models.BooleanField(_("passed"), default=False)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")

    def __str__(self):
        return f"{self.enrolment} ({self.started_at:%Y-%m-%d %H:%M})"

    @property
    def is_open(self):
        return self.submitted_at is None
