"""OpenAPI: only /api/ endpoints, how their token authentication looks, and what
every operation answers besides its own result.

`ApiAutoSchema`, REST_FRAMEWORK's DEFAULT_SCHEMA_CLASS, declares once for every
operation the answers the conventions give: the error body of
`conventions.exception_handler` (and of `request_limits` for 413) with its
headers, 304 and `ETag` where a view has ETags, and that an empty query parameter
counts as absent. So the document says what the API does, and clients generated
from it (openapi-generator's, say) read every answer.
"""

from django.utils.translation import gettext as _

from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerExtension,
)
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer
from rest_framework.serializers import ListSerializer

from .serializers import ApiErrorSerializer

API_PATH_PREFIX = "/api/v1/"


def only_api_endpoints(endpoints, **kwargs):
    """Leave out Wagtail's admin API, which is not part of the public contract."""
    return [
        endpoint for endpoint in endpoints if endpoint[0].startswith(API_PATH_PREFIX)
    ]


def _header(description, schema=None):
    return {
        "description": description,
        "required": True,
        "schema": schema or {"type": "string"},
    }


class ApiAutoSchema(AutoSchema):
    """drf-spectacular's operation, plus the answers every endpoint shares.

    A view lists the actions that send an `ETag` in `etag_actions`
    (`conventions.ETagRetrieveMixin`); their GET takes `If-None-Match` and may
    answer 304.
    """

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self._sends_etag() and self.method == "GET":
            parameters.append(
                OpenApiParameter(
                    "If-None-Match",
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    description=_(
                        "The ETag of a copy you hold: if it is still current, the "
                        "answer is 304 with no body."
                    ),
                )
            )
        return parameters

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        parameters = operation.get("parameters", [])
        for parameter in parameters:
            # DRF's serializers, django-filter and the paginators all read an
            # empty optional parameter as one that was not sent.
            if parameter["in"] == "query" and not parameter.get("required"):
                parameter["allowEmptyValue"] = True
        self._declare_non_empty_lists(operation.get("requestBody"))
        responses = operation["responses"]
        if self._sends_etag():
            for code in ("200", "201"):
                if code in responses:
                    responses[code].setdefault("headers", {})["ETag"] = _header(
                        _("The version of this representation, for If-None-Match.")
                    )
            if self.method == "GET":
                responses["304"] = {
                    "description": _("Not modified: the copy you hold is current."),
                    "headers": {
                        "ETag": _header(_("The version you hold, which is current."))
                    },
                }
        if "202" in responses:
            responses["202"].setdefault("headers", {})["Location"] = _header(
                _("The address to poll for the outcome."),
                {"type": "string", "format": "uri"},
            )
        has_body = "requestBody" in operation
        has_query = any(parameter["in"] == "query" for parameter in parameters)
        for code, description in self._error_answers(has_body, has_query):
            self._add_error(responses, code, description)
        return operation

    def _get_request_for_media_type(self, serializer, direction="request"):
        schema, required = super()._get_request_for_media_type(serializer, direction)
        if isinstance(serializer, PolymorphicProxySerializer):
            # drf-spectacular finds no required property in a oneOf; every one of
            # its forms requires the field naming the form, so a body is needed.
            required = True
        return schema, required

    def _declare_non_empty_lists(self, request_body):
        """A list the view refuses empty (`allow_empty=False`) says so."""
        if not request_body:
            return
        serializers = self.get_request_serializer()
        if not isinstance(serializers, dict):
            return
        for media_type, serializer in serializers.items():
            if isinstance(serializer, ListSerializer) and not serializer.allow_empty:
                request_body["content"][media_type]["schema"]["minItems"] = 1

    def _sends_etag(self) -> bool:
        return getattr(self.view, "action", None) in getattr(
            self.view, "etag_actions", ()
        )

    def _error_answers(self, has_body: bool, has_query: bool):
        if has_body or has_query:
            yield (
                "400",
                _("Some of the data sent is not valid; `errors` says which and why."),
            )
        yield "401", _("No valid token: it is missing, invalid, expired or revoked.")
        yield "403", _("The caller may not do this.")
        yield "404", _("Nothing the caller may see is here, or the cursor is invalid.")
        yield "406", _("The Accept header names no type this address answers in.")
        if has_body:
            yield "413", _("The request is larger than this address takes.")
            yield "415", _("The body is of a type this address does not read.")
        yield "429", _("Too many requests: wait for Retry-After seconds.")

    def _add_error(self, responses, code, description):
        error = self.resolve_serializer(ApiErrorSerializer, "response").ref
        declared = responses.get(code)
        if declared is None:
            content = {"schema": error}
        else:
            # An operation's own error body (a refused import) or the common one.
            schema = declared["content"]["application/json"]["schema"]
            content = {"schema": {"anyOf": [schema, error]}}
        answer = {"description": description, "content": {"application/json": content}}
        if code == "401":
            answer["headers"] = {
                "WWW-Authenticate": _header(_("How to authenticate: `Token`."))
            }
        elif code == "429":
            answer["headers"] = {
                "Retry-After": _header(
                    _("Seconds to wait before the next request."),
                    {"type": "integer", "minimum": 0},
                )
            }
        responses[code] = answer


class StrictInputSchema(OpenApiSerializerExtension):
    """`StrictInputSerializer` refuses keys it does not declare (400): say so."""

    target_class = "partner_portal.api.serializers.StrictInputSerializer"
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_basic_serializer(self.target, direction)
        schema["additionalProperties"] = False
        return schema


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "partner_portal.api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>`, as printed by `manage.py create_api_token`.",
        }


class SessionAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "partner_portal.api.authentication.PortalSessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}
