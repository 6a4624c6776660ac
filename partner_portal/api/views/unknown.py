"""Addresses under /api/ that name nothing answer as the API does, in JSON."""

from django.http import Http404, JsonResponse
from django.views import defaults

from rest_framework.views import APIView

from ..conventions import NOT_FOUND, ApiViewMixin

API_PREFIX = "/api/"


class UnknownAddressView(ApiViewMixin, APIView):
    """Any other address under /api/ (api/urls.py): 404 in the API's error body,
    after the API's authentication and throttles, whatever the method.

    Without it, an id the router's pattern refuses (`/api/v1/partners/abc/`) fell
    through to Wagtail's pages: the portal's HTML 404, or for a PATCH Django's
    HTML CSRF refusal, neither of which an API client reads.
    """

    schema = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise Http404


def page_not_found(request, exception):
    """The site's 404 handler (config/urls.py): the portal's page, but under /api/
    the API's error body, for the addresses no view sees: the middleware refuses
    a path holding a control character before any view runs."""
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse(
            {"code": "not_found", "message": str(NOT_FOUND)}, status=404
        )
    return defaults.page_not_found(request, exception)
