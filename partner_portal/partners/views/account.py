"""Signing in, choosing a language once, and resetting a forgotten password.

- The language a signed-in user switches to is kept in their profile (Wagtail's
  `UserProfile.preferred_language`, which the admin and every email already read),
  and signing in puts it back, on any browser: the choice sticks.
- A forgotten password is reset with Django's views: the email goes out in the
  user's own language, and the page says the same whether or not the address is known.
"""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.urls import reverse_lazy
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from wagtail.users.models import UserProfile

from ..recipients import preferred_languages

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def _remember(response, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )


@require_POST
def language_switch(request):
    """Django's `set_language`, and the choice saved in a signed-in user's profile."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in LANGUAGE_CODES:
        profile = UserProfile.get_for_user(request.user)
        if profile.preferred_language != language:
            profile.preferred_language = language
            profile.save(update_fields=["preferred_language"])
    return response


class PortalLoginView(auth_views.LoginView):
    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        stored = UserProfile.objects.filter(user=user).values_list(
            "preferred_language", flat=True
        )
        language = next(iter(stored), "")
        if language in LANGUAGE_CODES:
            _remember(response, language)
        return response


class PortalPasswordResetForm(PasswordResetForm):
    def send_mail(
        self, subject_template_name, email_template_name, context, *args, **kwargs
    ):
        user = context["user"]
        with translation.override(preferred_languages([user])[user.pk]):
            super().send_mail(
                subject_template_name, email_template_name, context, *args, **kwargs
            )


def _link_days() -> int:
    return settings.PASSWORD_RESET_TIMEOUT // 86400


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PortalPasswordResetForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "emails/password_reset.txt"
    subject_template_name = "emails/password_reset_subject.txt"
    success_url = reverse_lazy("password-reset-done")

    def form_valid(self, form):
        self.extra_email_context = {"days": _link_days()}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(days=_link_days(), **kwargs)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password-reset-complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"
