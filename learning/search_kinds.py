"""Courses and lessons in the portal search index (see search/registry.py)."""

from django.utils.translation import pgettext_lazy

from wagtail.rich_text import get_text_for_indexing

from partner_portal.partners.models import Product
from search.page_kinds import page_kind
from search.registry import Copied, register_kind

from .models import CoursePage, LessonPage


def _access(page):
    """The fields the audience filter of a search reads."""
    return {"access_level": page.access_level, "min_tier_id": page.min_tier_id}


def _course(page):
    return {
        "title": page.title,
        "body": f"{page.summary}\n{get_text_for_indexing(page.objectives)}",
        "products": [page.product.name] if page.product_id else [],
        "url": page.url,
        "published_at": page.first_published_at,
        **_access(page),
    }


def _lesson(page):
    course = page.course
    return {
        "title": page.title,
        "body": f"{page.summary}\n{get_text_for_indexing(str(page.body))}",
        "products": [course.product.name] if course.product_id else [],
        "url": page.url,
        "published_at": page.first_published_at,
        **_access(page.effective_access_item()),
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


def register():
    register_kind(
        page_kind(
            name="course",
            model=CoursePage,
            pages=lambda: CoursePage.objects.live(),
            load=lambda rows: rows.select_related("product", "min_tier"),
            to_document=_course,
            search_fields=("title", "summary"),
            label=pgettext_lazy("search result kind", "Course"),
            copies=(
                Copied(
                    Product, lambda product: CoursePage.objects.filter(product=product)
                ),
            ),
        )
    )
    register_kind(
        page_kind(
            name="lesson",
            model=LessonPage,
            pages=lambda: LessonPage.objects.live(),
            load=lambda rows: rows.select_related("min_tier"),
            access_item=lambda page: page.effective_access_item(),
            to_document=_lesson,
            search_fields=("title", "summary"),
            label=pgettext_lazy("search result kind", "Lesson"),
            visible=lambda lessons, audience: lessons.visible_to(audience),
            prepare=_attach_courses,
            copies=(
                Copied(
                    Product,
                    lambda product: LessonPage.objects.in_courses(
                        CoursePage.objects.filter(product=product)
                    ),
                ),
            ),
        )
    )
