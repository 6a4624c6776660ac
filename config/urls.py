from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.utils.urlpatterns import decorate_urlpatterns

from csp.decorators import csp_replace

from learning.views.portal import verify as learning_verify
from partner_portal import page_languages
from partner_portal.analytics.scorecards.views import portal_scorecard
from partner_portal.api import urls as api_urls
from partner_portal.api.views.unknown import page_not_found
from partner_portal.partners.views import account
from partner_portal.partners.views.company import (
    company_profile,
    company_user_update,
    company_users,
    onboarding_agreement,
)
from partner_portal.partners.views.portal import (
    InvitationAcceptView,
    application_apply,
    application_thanks,
    portal_home,
)
from partner_portal.resources.sitemaps import sitemap as resources_sitemap
from search.views.portal import search_click, search_page, search_suggest

from .health import healthz, healthz_full

# The portal's "Page not found", or the API's JSON error under /api/.
handler404 = page_not_found


def with_policy(urls, directives):
    """include(urls), with these directives of the Content-Security-Policy replaced
    in every view, the way Wagtail applies its admin access check."""
    return include(decorate_urlpatterns(urls.urlpatterns, csp_replace(directives)))


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("healthz/full", healthz_full, name="healthz-full"),
    path(
        "admin/",
        with_policy(wagtailadmin_urls, settings.CONTENT_SECURITY_POLICY_ADMIN),
    ),
    path("documents/", include(wagtaildocs_urls)),
    # Before Django's own: a signed-in user's choice is kept in their profile.
    path("i18n/setlang/", account.language_switch, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", account.PortalLoginView.as_view(), name="login"),
    path(
        "accounts/password-reset/",
        account.PasswordResetView.as_view(),
        name="password-reset",
    ),
    path(
        "accounts/password-reset/sent/",
        account.PasswordResetDoneView.as_view(),
        name="password-reset-done",
    ),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        account.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "accounts/password-reset/done/",
        account.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/invitation/<uidb64>/<token>/",
        InvitationAcceptView.as_view(),
        name="invitation-accept",
    ),
    path("apply/", application_apply, name="application-apply"),
    path("apply/thanks/", application_thanks, name="application-thanks"),
    path("sales/", include("partner_portal.incentives.urls")),
    path("incentives/", include("partner_portal.incentives.statement_urls")),
    path("deals/", include("partner_portal.deals.urls")),
    path("mdf/", include("partner_portal.deals.mdf_urls")),
    path("support/", include("partner_portal.support.urls")),
    path("resources/", include("partner_portal.resources.urls")),
    path("sitemap.xml", resources_sitemap, name="sitemap"),
    path("api/", with_policy(api_urls, settings.CONTENT_SECURITY_POLICY_API)),
    path("learning/", include("learning.urls")),
    path("verify/<str:credential_id>", learning_verify, name="learning-verify"),
    path("company/", company_profile, name="company-profile"),
    path("company/users/", company_users, name="company-users"),
    path("company/scorecard/", portal_scorecard, name="company-scorecard"),
    path("company/users/<int:pk>/", company_user_update, name="company-user-update"),
    path(
        "onboarding/agreements/<int:step_pk>/",
        onboarding_agreement,
        name="onboarding-agreement",
    ),
    path("search/", search_page, name="search"),
    path("search/suggest/", search_suggest, name="search-suggest"),
    path("search/go/<str:token>/", search_click, name="search-click"),
    path("", portal_home, name="portal-home"),
]

# Wagtail serves the content pages; it comes last so it catches what is left. Pages
# route in the source language's tree whatever the user's language (page_languages);
# Wagtail's own `_util/` views are left to it.
urlpatterns += [
    re_path(r"^(?!_util/)((?:[\w\-]+/)*)$", page_languages.serve, name="wagtail_serve"),
    path("", include(wagtail_urls)),
]
