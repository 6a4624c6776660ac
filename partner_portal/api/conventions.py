"""The conventions every endpoint shares: pagination, throttling, errors, ETags.

Endpoints added later (statements, deals...) get them by using `ApiViewSetMixin`
and the REST_FRAMEWORK settings, and their scope from `PartnerOwnedApiMixin`;
nothing here is specific to one resource.
"""

import hashlib
import json
import re

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, status
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.utils.urls import remove_query_param
from rest_framework.views import exception_handler as drf_exception_handler

from partner_portal.client_address import client_address

from .models import APIToken
from .parsers import CleanJSONParser
from .permissions import ApiAccess
from .selectors import partner_owned_for

MAX_PAGE_SIZE = 500
# ASCII digits only: int() also reads "+5", " 5" and other scripts' digits.
_WHOLE_NUMBER = re.compile(r"[0-9]+")


class StableCursorPagination(CursorPagination):
    """Opaque cursors over a unique ordering, so pages never skip or repeat rows.

    `page_size` is a whole number of at least 1 (else 400; empty means the
    default), and more than 500 gives 500. A cursor this paginator did not write
    answers 404, as DRF's own check does.
    """

    ordering = "id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    page_size_query_description = _("Rows per page, at least 1; above 500 gives 500.")

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param, "")
        if value == "":
            return self.page_size
        if not _WHOLE_NUMBER.fullmatch(value) or int(value) < 1:
            raise exceptions.ValidationError(
                {self.page_size_query_param: [_("Send a whole number of at least 1.")]}
            )
        return min(int(value), self.max_page_size)

    def decode_cursor(self, request):
        cursor = super().decode_cursor(request)
        # The position is an id: anything else was not written here, and would
        # reach the database as a comparison it cannot make (a server error).
        position = cursor.position if cursor is not None else None
        if position is not None and not _WHOLE_NUMBER.fullmatch(position):
            raise exceptions.NotFound(self.invalid_cursor_message)
        return cursor

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters


class NewestFirstCursorPagination(StableCursorPagination):
    """For histories: the latest recorded row first."""

    ordering = "-id"


class RowsCursorPagination(StableCursorPagination):
    """Opaque cursors over rows that are not a queryset but read by offset and limit
    (in SQL, in a fixed order), with the count of all of them: the same parameters,
    links and page as the other lists, plus `count`."""

    offset_cutoff = None

    def paginate_rows(self, read, count: int, request) -> list:
        """The page of `read(offset=, limit=)` that the request's cursor names."""
        self.request = request
        self.base_url = request.build_absolute_uri()
        self.page_size = self.get_page_size(request)
        cursor = self.decode_cursor(request)
        # Past the end is an empty page, never an offset the database refuses.
        self.offset = min(cursor.offset if cursor else 0, count)
        self.count = count
        return read(offset=self.offset, limit=self.page_size)

    def _link(self, offset: int) -> str:
        if offset <= 0:
            return remove_query_param(self.base_url, self.cursor_query_param)
        return self.encode_cursor(Cursor(offset=offset, reverse=False, position=None))

    def get_next_link(self) -> str | None:
        following = self.offset + self.page_size
        return self._link(following) if following < self.count else None

    def get_previous_link(self) -> str | None:
        return self._link(self.offset - self.page_size) if self.offset else None

    def get_paginated_response(self, data, **extra):
        return Response(
            {
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "count": self.count,
                **extra,
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        paginated["required"] = ["count", "results"]
        paginated["properties"] = {
            **paginated["properties"],
            "count": {"type": "integer", "description": _("How many rows in all.")},
        }
        return paginated


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
    """Per client address, whoever calls, signed in or not; the address as the
    sign-in lockout reads it, so X-Forwarded-For counts only behind the configured
    proxies."""

    scope = "address"

    def get_cache_key(self, request, view):
        return self.cache_format % {
            "scope": self.scope,
            "ident": client_address(request),
        }


class ApiViewMixin:
    """What every /api/v1/ view shares; mix in first.

    Declared here rather than as REST_FRAMEWORK defaults so that Wagtail's own admin
    API keeps its behaviour. The caller's address is counted before authentication,
    so guessing tokens or calling anonymously is throttled too; the per-token limit
    follows authentication as usual. JSON bodies lose their control characters, as
    query strings and forms do in the middleware.
    """

    permission_classes = [ApiAccess]
    parser_classes = [CleanJSONParser, FormParser, MultiPartParser]
    throttle_classes = [TokenRateThrottle]
    pagination_class = StableCursorPagination

    def initial(self, request, *args, **kwargs):
        throttle = AddressRateThrottle()
        if not throttle.allow_request(request, self):
            self.throttled(request, throttle.wait())
        super().initial(request, *args, **kwargs)


NOT_FOUND = _("Nothing was found at this address.")

_DEFAULT_CODES = {
    status.HTTP_400_BAD_REQUEST: "invalid",
    status.HTTP_401_UNAUTHORIZED: "not_authenticated",
    status.HTTP_403_FORBIDDEN: "permission_denied",
    status.HTTP_404_NOT_FOUND: "not_found",
    status.HTTP_405_METHOD_NOT_ALLOWED: "method_not_allowed",
    status.HTTP_429_TOO_MANY_REQUESTS: "throttled",
}


class StateConflict(exceptions.APIException):
    """409: the record's state does not allow this step now (a registration no
    longer a draft, one already decided). Sending the same again will not help;
    reading the record says why."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "wrong_status"
    default_detail = _("This cannot be done in the record's current state.")


def service_call(function, /, *, state_code: str | None = None, **kwargs):
    """Run a service; its Django validation errors become a 400 answer, except a
    refusal coded `state_code` (a step the record's status forbids): 409."""
    try:
        return function(**kwargs)
    except DjangoValidationError as exc:
        refused_for_state = state_code is not None and not hasattr(exc, "error_dict")
        if refused_for_state and {e.code for e in exc.error_list} == {state_code}:
            raise StateConflict(" ".join(exc.messages)) from exc
        raise exceptions.ValidationError(as_serializer_error(exc)) from exc


def exception_handler(exc, context):
    """Every error as {"code", "message"} (+ "errors"), in the caller's language.

    LocaleMiddleware has already activated the language of Accept-Language, so the
    lazily translated messages render in English or Chinese.
    """
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(NOT_FOUND)
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

    # For the schema (schema.ApiAutoSchema): the actions that answer with an ETag.
    etag_actions = ("retrieve", "partial_update")

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
