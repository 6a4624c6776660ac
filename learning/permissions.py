"""The access rule applied to files used in lessons."""

from django.contrib.contenttypes.models import ContentType

from wagtail.models import ReferenceIndex

from partner_portal.partners.access import Audience
from partner_portal.partners.ownership.admin import PartnerOwnedPermissionPolicy

from .models import LessonPage


def lesson_file_visible_to(file, audience: Audience) -> bool:
    """A document or image used in lessons is served only to those who may see
    one of them.

    The file's own access level is checked by the resources app; this adds the
    rule that a course's files are no more visible than the course. Wagtail's
    reference index says which lessons use the file.
    """
    if audience.is_staff:
        return True
    references = ReferenceIndex.get_references_to(file).filter(
        content_type=ContentType.objects.get_for_model(LessonPage)
    )
    lesson_ids = {int(pk) for pk in references.values_list("object_id", flat=True)}
    if not lesson_ids:
        return True
    lessons = LessonPage.objects.live().filter(pk__in=lesson_ids)
    return lessons.visible_to(audience).exists()


class AwardPermissionPolicy(PartnerOwnedPermissionPolicy):
    """Awards are earned or imported, never added or deleted by hand in the admin;
    staff reach the awards of the partners they may see."""

    def __init__(self, model):
        super().__init__(model, refused_actions=("add", "delete"))
