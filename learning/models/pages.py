"""Courses and lessons: Wagtail pages guarded by the access rule.

A course is seen by the audiences its access level allows; a lesson additionally
only when its course is. That rule is written once, here (`LessonPage.visible_to` and
its SQL form `LessonQuerySet.visible_to`); serving, the course page, completion,
progress, learning paths, lesson files and search all ask it. The quiz is part of
the course page (its questions are a StreamField).

What a learner does is a route of these pages (RoutablePageMixin) that parses the
request, calls `learning.services` and renders: `<course>/enrol/`, `<course>/quiz/`
(in `quiz.py`, a concern of its own) and a POST to `<lesson>/` that completes it.
Wagtail serves a route through the page's `serve()`, and AccessControlledPage comes
before RoutablePageMixin in the bases, so a page the user may not see answers 404
before any route runs.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef
from django.db.models.functions import Length, Substr
from django.http import Http404
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import (
    FieldPanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PageManager, PageQuerySet
from wagtail.search import index

from modelcluster.fields import ParentalManyToManyField

from partner_portal.page_languages import in_user_language, page_in_user_language
from partner_portal.partners.access import (
    AccessControlledPage,
    audience_for,
    strictest,
)

from .. import selectors, services
from ..blocks import LessonBodyBlock, QuizBlock
from .quiz import CourseQuizMixin


class CourseLevel(models.TextChoices):
    BEGINNER = "beginner", _("Beginner")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")


class CourseIndexPage(AccessControlledPage, Page):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel(AccessControlledPage.access_panels, heading=_("Access")),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    translated_fields = ("title", "intro")
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["learning.CoursePage"]
    template = "learning/course_index_page.html"

    class Meta:
        verbose_name = _("course index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        audience = audience_for(request.user)
        context["courses"] = in_user_language(
            selectors.courses_for(audience, self.get_children()), audience
        )
        return context


class RevealAnswers(models.TextChoices):
    """When a learner sees a quiz's right answers and explanations: never after a
    failed attempt, so the next attempt is not a copy of the answer sheet."""

    AFTER_PASSING = "after_passing", _("After the learner passes")
    NEVER = "never", _("Never")


class CoursePage(AccessControlledPage, CourseQuizMixin, RoutablePageMixin, Page):
    code = models.SlugField(
        _("course code"),
        max_length=40,
        help_text=_("A short unique code, used by certifications and imports."),
    )
    summary = models.TextField(_("summary"))
    objectives = RichTextField(_("learning objectives"), blank=True)
    level = models.CharField(
        _("level"),
        max_length=20,
        choices=CourseLevel.choices,
        default=CourseLevel.BEGINNER,
    )
    product = models.ForeignKey(
        "partners.Product",
        verbose_name=_("product"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    estimated_minutes = models.PositiveIntegerField(
        _("estimated duration in minutes"), default=30
    )
    prerequisites = ParentalManyToManyField(
        "self",
        verbose_name=_("prerequisites"),
        symmetrical=False,
        blank=True,
        related_name="required_by",
    )
    passing_score = models.PositiveSmallIntegerField(
        _("passing score (percent)"), default=80
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("attempt limit"),
        default=3,
        help_text=_("How many quiz attempts a learner has; 0 means no limit."),
    )
    cooldown_minutes = models.PositiveIntegerField(
        _("cool-down in minutes"),
        default=60,
        help_text=_("How long a learner waits after a failed attempt."),
    )
    reveal_answers = models.CharField(
        _("show the right answers"),
        max_length=20,
        choices=RevealAnswers.choices,
        default=RevealAnswers.AFTER_PASSING,
        help_text=_(
            "A learner who fails sees only which questions were wrong, never the "
            "right answers."
        ),
    )
    questions = StreamField(QuizBlock(), verbose_name=_("quiz questions"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("code"),
        FieldPanel("summary"),
        FieldPanel("objectives"),
        FieldPanel("level"),
        FieldPanel("product"),
        FieldPanel("estimated_minutes"),
        FieldPanel("prerequisites"),
        MultiFieldPanel(AccessControlledPage.access_panels, heading=_("Access")),
    ]
    quiz_panels = [
        FieldPanel("passing_score"),
        FieldPanel("max_attempts"),
        FieldPanel("cooldown_minutes"),
        FieldPanel("reveal_answers"),
        FieldPanel("questions"),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Content")),
            ObjectList(quiz_panels, heading=_("Quiz")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("objectives"),
        index.FilterField("code"),
    ]
    # The quiz stays the source's: its answers are graded against the source.
    translated_fields = ("title", "summary", "objectives")
    parent_page_types = ["learning.CourseIndexPage"]
    subpage_types = ["learning.LessonPage"]
    template = "learning/course_page.html"

    class Meta:
        verbose_name = _("course")

    def clean(self):
        """A course's code is unique within its language: a translation keeps its
        source's code (the locale is a column of Wagtail's page table, out of reach
        of a constraint on this one)."""
        super().clean()
        others = CoursePage.objects.filter(code=self.code, locale_id=self.locale_id)
        if others.exclude(pk=self.pk).exists():
            raise ValidationError(
                {"code": _("Another course in this language has this code already.")}
            )

    def lessons(self):
        """Every live lesson, in the editors' order, whoever may see it."""
        return LessonPage.objects.child_of(self).live().specific()

    def lessons_for(self, audience):
        """The live lessons `audience` may see: the ones a learner is shown and
        must complete."""
        return self.lessons().visible_to(audience)

    @property
    def has_quiz(self):
        return len(self.questions) > 0

    def question_blocks(self):
        """The quiz questions by block id."""
        return {block.id: block.value for block in self.questions}

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["progress"] = selectors.course_progress(user=request.user, course=self)
        audience = audience_for(request.user)
        context["course_index"] = page_in_user_language(
            self.get_parent().specific, audience
        )
        context["prerequisites"] = in_user_language(self.prerequisites.all(), audience)
        return context

    def reveals_answers(self, *, passed: bool) -> bool:
        """Whether a learner who has (or has not) passed sees the right answers."""
        return passed and self.reveal_answers == RevealAnswers.AFTER_PASSING

    @path("")
    def course(self, request):
        return self.render(request)

    @path("enrol/")
    def enrol(self, request):
        """POST enrols the learner, or resumes their pass, at the lesson to take
        next; anything else goes back to the course."""
        if request.method != "POST":
            return redirect(self.url)
        learner = _learner_or_404(request)
        try:
            enrolment = services.enrolment_start(user=learner, course=self)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self.url)
        lesson = enrolment.resume_lesson()
        return redirect(lesson.url if lesson else self.url)


def _learner_or_404(request):
    """Only partner users enrol and take quizzes; staff preview the pages."""
    audience = audience_for(request.user)
    if not audience.is_partner:
        raise Http404
    return request.user


class LessonQuerySet(PageQuerySet):
    def in_courses(self, courses):
        """The lessons whose course is one of `courses`, in one query: the course is
        the parent, whose path is the lesson's without its last step."""
        course_path = Substr(
            OuterRef("path"), 1, Length(OuterRef("path")) - Page.steplen
        )
        return self.filter(Exists(courses.filter(path=course_path)))

    def visible_to(self, audience):
        """`LessonPage.visible_to` as one SQL filter, for listings and counts: the
        lesson's own level and its course's."""
        return self.filter(audience.q()).in_courses(
            CoursePage.objects.filter(audience.q())
        )


class LessonPage(AccessControlledPage, RoutablePageMixin, Page):
    summary = models.CharField(_("summary"), max_length=255, blank=True)
    body = StreamField(LessonBodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel(AccessControlledPage.access_panels, heading=_("Access")),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
    ]
    translated_fields = ("title", "summary", "body")
    parent_page_types = ["learning.CoursePage"]
    subpage_types = []
    template = "learning/lesson_page.html"

    objects = PageManager.from_queryset(LessonQuerySet)()

    class Meta:
        verbose_name = _("lesson")

    @cached_property
    def course(self):
        return CoursePage.objects.get(pk=self.get_parent().pk)

    def effective_access_item(self):
        """The page whose access level applies: a lesson is never more visible
        than its course, so the stricter of the two (what search indexes)."""
        return strictest(self, self.course)

    def visible_to(self, audience):
        return audience.may_see(self.effective_access_item())

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["course"] = page_in_user_language(
            self.course, audience_for(request.user)
        )
        context.update(selectors.lesson_state(user=request.user, lesson=self))
        return context

    @path("")
    def lesson(self, request):
        """GET shows the lesson, remembered as the learner's place in the course;
        POST marks it complete and opens the next lesson to take."""
        if request.method == "POST":
            learner = _learner_or_404(request)
            try:
                next_lesson = services.lesson_complete(user=learner, lesson=self)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect(self.url)
            return redirect(next_lesson.url if next_lesson else self.course.url)
        if audience_for(request.user).is_partner:
            services.lesson_open(user=request.user, lesson=self)
        return self.render(request)
