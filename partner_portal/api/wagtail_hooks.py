"""Staff manage API tokens and webhooks in the Wagtail admin."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView

from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import models as generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import MenuItem
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from partner_portal.admin_columns import WordColumn
from partner_portal.partners.models import User

from .models import APIToken, WebhookDelivery, WebhookSubscription
from .services import api_token_create, api_token_revoke, webhook_redeliver
from .webhooks.events import event_choices


class TokenPermissionPolicy(ModelPermissionPolicy):
    """Tokens are created and revoked, never deleted: revoked ones stay on record."""

    def user_has_permission(self, user, action):
        return action != "delete" and super().user_has_permission(user, action)


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Rows the worker makes: the admin views them and acts on them (change)."""

    def user_has_permission(self, user, action):
        return action in {"view", "change"} and super().user_has_permission(
            user, action
        )


token_permission_policy = TokenPermissionPolicy(APIToken)
delivery_permission_policy = ReadOnlyPermissionPolicy(WebhookDelivery)
register_permission_policy(APIToken, token_permission_policy)
register_permission_policy(WebhookDelivery, delivery_permission_policy)


class ConfirmActionView(WagtailAdminTemplateMixin, TemplateView):
    """Ask, then on POST do one action to one row and go back to the listing."""

    template_name = "api/admin/confirm.html"
    model = None
    permission_policy = None
    index_url_name = None
    action = "change"

    def dispatch(self, request, pk):
        if not self.permission_policy.user_has_permission(request.user, self.action):
            raise PermissionDenied
        self.object = get_object_or_404(self.model, pk=pk)
        return super().dispatch(request, pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            question=self.question % {"object": self.object},
            action_label=self.action_label,
            index_url=reverse(self.index_url_name),
            **kwargs,
        )

    def post(self, request, pk):
        self.perform()
        messages.success(request, self.done % {"object": self.object})
        return redirect(self.index_url_name)


class TokenRevokeView(ConfirmActionView):
    model = APIToken
    permission_policy = token_permission_policy
    page_title = _("Revoke API token")
    question = _("Revoke the token “%(object)s”? Calls with it will be refused.")
    action_label = _("Revoke")
    done = _("The token “%(object)s” is revoked.")

    def perform(self):
        api_token_revoke(token=self.object)


class RedeliverView(ConfirmActionView):
    model = WebhookDelivery
    permission_policy = delivery_permission_policy
    page_title = _("Send a webhook again")
    question = _("Send “%(object)s” again?")
    action_label = _("Send again")
    done = _("“%(object)s” is queued to be sent again.")

    def perform(self):
        webhook_redeliver(delivery=self.object)


class TokenCreateForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("User"),
        queryset=User.objects.filter(is_active=True).order_by("username"),
        help_text=_("The token acts as this user and sees what they may see."),
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        required=False,
        help_text=_("What the token is for, for example “CRM sync”."),
    )
    read_only = forms.BooleanField(
        label=_("Read only"),
        required=False,
        help_text=_("A read-only token may only read; writes answer 403."),
    )
    expires_in_days = forms.IntegerField(
        label=_("Expires after (days)"),
        min_value=1,
        max_value=3650,
        required=False,
        help_text=_("Leave empty for a token that does not expire."),
    )


@method_decorator(never_cache, name="dispatch")
class TokenCreateView(WagtailAdminTemplateMixin, FormView):
    """Create a token and show its key on this one answer, never again.

    Only the key's digest is stored; the answer is not cached, and no later page
    can show the key.
    """

    template_name = "api/admin/token_create.html"
    form_class = TokenCreateForm
    page_title = _("New API token")
    header_icon = "key"
    index_url_name = None

    def dispatch(self, request, *args, **kwargs):
        if not token_permission_policy.user_has_permission(request.user, "add"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {
                "url": reverse(self.index_url_name),
                "label": APIToken._meta.verbose_name_plural,
            },
            {"url": "", "label": self.page_title},
        ]

    def form_valid(self, form):
        days = form.cleaned_data["expires_in_days"]
        token, key = api_token_create(
            user=form.cleaned_data["user"],
            name=form.cleaned_data["name"],
            read_only=form.cleaned_data["read_only"],
            expires_in=datetime.timedelta(days=days) if days else None,
        )
        return TemplateResponse(
            self.request,
            "api/admin/token_created.html",
            self.get_context_data(
                token=token, key=key, index_url=reverse(self.index_url_name)
            ),
        )


class TokenIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("user")

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.revoked_at is None and self.permission_policy.user_has_permission(
            self.request.user, "change"
        ):
            buttons.append(
                MenuItem(
                    _("Revoke"),
                    url=reverse("api_token:revoke", args=[instance.pk]),
                    icon_name="cross",
                    priority=25,
                )
            )
        return buttons


class APITokenViewSet(ModelViewSet):
    model = APIToken
    url_namespace = "api_token"
    url_prefix = "api/tokens"
    icon = "key"
    menu_label = _("API tokens")
    permission_policy = token_permission_policy
    index_view_class = TokenIndexView
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = [
        "name",
        "user",
        Column("read_only", label=_("Read only"), accessor="read_only"),
        "created",
        "expiry",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["read_only"]
    # Only the label may change; the key, scope and owner are fixed at creation.
    form_fields = ["name"]
    inspect_view_fields = [
        "name",
        "user",
        "token_key",
        "read_only",
        "created",
        "expiry",
        "last_used_at",
        "revoked_at",
    ]

    @property
    def add_view(self):
        return TokenCreateView.as_view(index_url_name=self.get_url_name("index"))

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(
                "revoke/<int:pk>/",
                TokenRevokeView.as_view(index_url_name=self.get_url_name("index")),
                name="revoke",
            ),
        ]


class WebhookSubscriptionForm(WagtailAdminModelForm):
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=event_choices,
        widget=forms.CheckboxSelectMultiple,
    )


class WebhookSubscriptionViewSet(ModelViewSet):
    model = WebhookSubscription
    url_namespace = "api_webhook"
    url_prefix = "api/webhooks"
    icon = "link-external"
    menu_label = _("Webhooks")
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = [
        "name",
        "url",
        WordColumn("is_active", label=_("Active"), yes=_("Active"), no=_("Paused")),
        "created_at",
    ]

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(page_title=self.menu_label, **kwargs)

    panels = [
        FieldPanel("name"),
        FieldPanel("url"),
        FieldPanel("events"),
        FieldPanel("secret"),
        FieldPanel("is_active"),
    ]

    def get_edit_handler(self):
        return ObjectList(
            self.panels, base_form_class=WebhookSubscriptionForm
        ).bind_to_model(self.model)


class DeliveryIndexView(generic.IndexView):
    def get_edit_url(self, instance):
        return None  # A delivery is a log entry; it is only sent again.

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("subscription")

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.permission_policy.user_has_permission(self.request.user, "change"):
            buttons.append(
                MenuItem(
                    _("Send again"),
                    url=reverse("api_delivery:redeliver", args=[instance.pk]),
                    icon_name="redirect",
                    priority=25,
                )
            )
        return buttons


class WebhookDeliveryViewSet(ModelViewSet):
    model = WebhookDelivery
    url_namespace = "api_delivery"
    url_prefix = "api/deliveries"
    icon = "list-ul"
    menu_label = _("Webhook deliveries")
    permission_policy = delivery_permission_policy
    index_view_class = DeliveryIndexView
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = [
        "event",
        "subscription",
        "status",
        "attempts",
        "response_code",
        "created_at",
        "last_attempt_at",
    ]
    list_filter = ["status", "event"]
    form_fields = []
    exclude_form_fields = []

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(
                "redeliver/<int:pk>/",
                RedeliverView.as_view(index_url_name=self.get_url_name("index")),
                name="redeliver",
            ),
        ]


class ApiGroup(ViewSetGroup):
    menu_label = _("API")
    menu_icon = "code"
    menu_order = 900
    items = (APITokenViewSet, WebhookSubscriptionViewSet, WebhookDeliveryViewSet)


@hooks.register("register_admin_viewset")
def register_api_viewsets():
    return ApiGroup()
