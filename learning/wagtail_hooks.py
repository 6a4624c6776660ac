"""Admin registration of the learning app: certifications, awards, the award
import, reports."""

from django.http import Http404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.ui.menus import MenuItem as AdminMenuItem
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.snippets.views.snippets import SnippetViewSet

from partner_portal.admin_menu import PermissionMenuItem
from partner_portal.partners.access import audience_for
from partner_portal.partners.ownership.admin import (
    PartnerScopedViewSet,
    ScopedIndexView,
)

from .imports.views import AwardImportViewSet
from .models import Certification, CertificationAward, LearningPath
from .permissions import lesson_file_visible_to
from .views import admin as views_admin


@hooks.register("before_serve_document")
def check_lesson_file_access(document, request):
    """A file used only in courses the user may not see answers 404."""
    if not lesson_file_visible_to(document, audience_for(request.user)):
        raise Http404


@hooks.register("before_serve_portal_image")
def check_lesson_image_access(image, request):
    """An image used only in courses the user may not see is not served."""
    return lesson_file_visible_to(image, audience_for(request.user))


class CertificationViewSet(SnippetViewSet):
    model = Certification
    icon = "success"
    menu_label = _("Certifications")
    list_display = ["name", "name_zh", "code", "validity_months"]
    search_fields = ["name", "name_zh", "code"]


class LearningPathViewSet(SnippetViewSet):
    model = LearningPath
    icon = "list-ol"
    menu_label = _("Learning paths")
    list_display = ["name", "role", "tier"]
    list_filter = ["role", "tier"]
    search_fields = ["name"]


class AwardIndexView(ScopedIndexView):
    list_select_related = ("user", "partner", "certification")

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        may_change = self.permission_policy.user_has_permission(
            self.request.user, "change"
        )
        if instance.revoked_on is None and may_change:
            buttons.append(
                AdminMenuItem(
                    _("Revoke"),
                    url=reverse("learning_awards:revoke", args=[instance.pk]),
                    icon_name="cross",
                    priority=50,
                )
            )
        return buttons


class CertificationAwardViewSet(PartnerScopedViewSet):
    model = CertificationAward
    icon = "tick-inverse"
    menu_label = _("Certification awards")
    url_prefix = "learning/awards"
    name = "learning_awards"
    add_to_admin_menu = False
    list_display = [
        "credential_id",
        "user",
        "partner",
        "certification",
        "issued_at",
        "expires_at",
        "revoked_on",
    ]
    list_filter = ["certification", "source"]
    search_fields = ["credential_id", "user__email", "partner__name"]
    inspect_view_enabled = True
    index_view_class = AwardIndexView
    # Staff correct the revocation reason; revoking itself is its own view.
    form_fields = ["revoked_reason"]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/revoke/", views_admin.award_revoke_view, name="revoke"),
        ]


class LearningGroup(ViewSetGroup):
    menu_label = _("Learning")
    menu_icon = "folder-open-inverse"
    items = (LearningPathViewSet, CertificationViewSet, CertificationAwardViewSet)


@hooks.register("register_admin_viewset")
def register_learning_viewsets():
    return LearningGroup()


@hooks.register("register_admin_viewset")
def register_award_import_viewset():
    # In the Settings menu, through the viewset's menu hook.
    return AwardImportViewSet()


@hooks.register("register_admin_urls")
def register_learning_admin_urls():
    return [
        path("learning/reports/", views_admin.reports_view, name="learning_reports"),
    ]


@hooks.register("register_reports_menu_item")
def register_learning_reports_menu_item():
    return PermissionMenuItem(
        _("Learning"),
        reverse("learning_reports"),
        icon_name="table",
        permission="learning.view_certificationaward",
    )
