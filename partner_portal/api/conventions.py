"""The conventions every endpoint shares: pagination, throttling, errors, ETags.

Endpoints added later (statements, deals...) get them by using `ApiViewSetMixin`
and the REST_FRAMEWORK settings, and their scope from `PartnerOwnedApiMixin`;
nothing here is specific to one resource.
"""

import hashlib
import json

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, status
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import exception_handler as drf_exception_handler

from .models import APIToken
from .permissions import ApiAccess
from .selectors import partner_owned_for

MAX_PAGE_SIZE = 500


class StableCursorPagination(CursorPagination):
    """Opaque cursors over a unique ordering, so pages never skip or repeat rows."""

    ordering = "id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    page_size_query_description = _("Rows per page, at most 500.")


class NewestFirstCursorPagination(StableCursorPagination):
    """For histories: the latest recorded row first."""

    ordering = "-id"


class FilterBackend(DjangoFilterBackend):
    """django-filter, skipped when the query holds nothing but the page's cursor.

    Building a FilterSet deep-copies its filters and validates a form, about a
    tenth of a list page's time, to return the queryset unchanged when nothing is
    asked; any other parameter, known or not, goes through it as usual.
    """

    def filter_queryset(self, request, queryset, view):
        paginator = view.paginator
        paging = {
            getattr(paginator, "cursor_query_param", None),
            getattr(paginator, "page_size_query_param", None),
        }
        if set(request.query_params) <= paging:
            return queryset
        return super().filter_queryset(request, queryset, view)


class _SettingsRateThrottle(SimpleRateThrottle):
    """Rates read at request time from REST_FRAMEWORK, so settings can change them."""

    def __init__(self):
        pass

    def allow_request(self, request, view):
        self.rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class TokenRateThrottle(_SettingsRateThrottle):
    """Per token; a session (or a caller without a token) counts per user."""

    scope = "token"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, APIToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AddressRateThrottle(_SettingsRateThrottle):
    """Per client address, whoever calls, signed in or not."""

    scope = "address"

    def get_cache_key(self, request, view):
        return self.cache_format % {
            "scope": self.scope,
            "ident": self.get_ident(request),
        }


class ApiViewMixin:
    """What every /api/v1/ view shares; mix in first.

    Declared here rather than as REST_FRAMEWORK defaults so that Wagtail's own admin
    API keeps its behaviour. The caller's address is counted before authentication,
    so guessing tokens or calling anonymously is throttled too; the per-token limit
    follows authentication as usual.
    """

    permission_classes = [ApiAccess]
    throttle_classes = [TokenRateThrottle]
    pagination_class = StableCursorPagination

    def initial(self, request, *args, **kwargs):
        throttle = AddressRateThrottle()
        if not throttle.allow_request(request, self):
            self.throttled(request, throttle.wait())
        super().initial(request, *args, **kwargs)


_DEFAULT_CODES = {
    status.HTTP_400_BAD_REQUEST: "invalid",
    status.HTTP_401_UNAUTHORIZED: "not_authenticated",
    status.HTTP_403_FORBIDDEN: "permission_denied",
    status.HTTP_404_NOT_FOUND: "not_found",
    status.HTTP_405_METHOD_NOT_ALLOWED: "method_not_allowed",
    status.HTTP_429_TOO_MANY_REQUESTS: "throttled",
}


def exception_handler(exc, context):
    """Every error as {"code", "message"} (+ "errors"), in the caller's language.

    LocaleMiddleware has already activated the language of Accept-Language, so the
    lazily translated messages render in English or Chinese.
    """
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Nothing was found at this address."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        body = {
            "code": "invalid",
            "message": str(_("Some of the data sent is not valid.")),
            "errors": response.data,
        }
    else:
        detail = getattr(exc, "detail", "")
        codes = exc.get_codes() if hasattr(exc, "get_codes") else None
        code = codes if isinstance(codes, str) else None
        if isinstance(exc, exceptions.Throttled):
            code = "throttled"
            detail = _("Too many requests. Try again in %(seconds)s seconds.") % {
                "seconds": exc.wait and int(exc.wait + 0.999)
            }
        body = {
            "code": code or _DEFAULT_CODES.get(response.status_code, "error"),
            "message": str(detail),
        }
    response.data = body
    return response


def etag_for(data) -> str:
    payload = json.dumps(data, sort_keys=True, default=str).encode()
    return '"' + hashlib.sha256(payload).hexdigest()[:32] + '"'


class ETagRetrieveMixin:
    """`retrieve` answers with an ETag and 304 when If-None-Match already has it."""

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        data = self.get_serializer(instance).data
        tag = etag_for(data)
        if_none_match = request.headers.get("If-None-Match", "")
        if tag in [value.strip() for value in if_none_match.split(",")]:
            response = Response(status=status.HTTP_304_NOT_MODIFIED)
        else:
            response = Response(data)
        response["ETag"] = tag
        return response


class PartnerOwnedApiMixin:
    """Endpoints over a partner-owned model: the rows the caller may see, by the
    model's `PartnerOwnedPolicy` (`partners.ownership`), as the admin and the portal
    see them; any other row answers 404. DRF applies no object permission to
    lists, so the list and the detail both start from this queryset."""

    owned_model = None
    owned_select_related: tuple[str, ...] = ()

    def get_queryset(self):
        rows = partner_owned_for(self.request.user, self.owned_model)
        return rows.select_related(*self.owned_select_related)
