"""OpenAPI: only /api/ endpoints, and how their token authentication looks."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

API_PATH_PREFIX = "/api/v1/"


def only_api_endpoints(endpoints, **kwargs):
    """Leave out Wagtail's admin API, which is not part of the public contract."""
    return [
        endpoint for endpoint in endpoints if endpoint[0].startswith(API_PATH_PREFIX)
    ]


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
