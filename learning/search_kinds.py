"""Courses and lessons in the portal search index (see search/registry.py)."""

from django.utils.html import strip_tags

from partner_portal.partners.access import strictest
from search.registry import IndexableKind, register_kind

from .models import CoursePage, LessonPage


def _access(*pages):
    """A lesson is never more visible than its course: index the stricter level."""
    strictest_page = strictest(*pages)
    return {
        "access_level": strictest_page.access_level,
        "min_tier_id": strictest_page.min_tier_id,
    }


def _course(page):
    return {
        "title": page.title,
        "body": f"{page.summary}\n{strip_tags(page.objectives)}",
        "products": [page.product.name] if page.product_id else [],
        "url": page.url,
        "published_at": page.first_published_at,
        **_access(page),
    }


def _lesson(page):
    course = page.course
    return {
        "title": page.title,
        "body": f"{page.summary}\n{strip_tags(str(page.body))}",
        "products": [course.product.name] if course.product_id else [],
        "url": page.url,
        "published_at": page.first_published_at,
        **_access(page, course),
    }


def _attach_courses(lessons):
    """Give each lesson its course, with what its document reads, in one query."""
    steplen = LessonPage.steplen
    courses = CoursePage.objects.filter(
        path__in={lesson.path[:-steplen] for lesson in lessons}
    ).select_related("product", "min_tier")
    by_path = {course.path: course for course in courses}
    for lesson in lessons:
        lesson.course = by_path[lesson.path[:-steplen]]


def _visible_lessons(lessons, audience):
    """Lessons the audience may see, under courses it may see."""
    from django.db.models import Q

    course_paths = CoursePage.objects.filter(audience.q()).values_list(
        "path", flat=True
    )
    under_visible_course = Q(pk__in=[])
    for path in course_paths:
        under_visible_course |= Q(path__startswith=path)
    return lessons.filter(audience.q()).filter(under_visible_course)


def register():
    register_kind(
        IndexableKind(
            name="course",
            model=CoursePage,
            indexable=lambda: CoursePage.objects.live().select_related(
                "product", "min_tier"
            ),
            to_document=_course,
            search_fields=("title", "summary"),
        )
    )
    register_kind(
        IndexableKind(
            name="lesson",
            model=LessonPage,
            indexable=lambda: LessonPage.objects.live().select_related("min_tier"),
            to_document=_lesson,
            search_fields=("title", "summary"),
            visible=_visible_lessons,
            prepare=_attach_courses,
        )
    )
