"""How much one request may carry, decided per view before its body is read.

Django caps a request's form fields (`DATA_UPLOAD_MAX_MEMORY_SIZE`, 2.5 MB in all)
but not its files: without a limit, an anonymous 200 MB upload to the sign-in page
was written to disk. Here every view has a maximum for the files of one request:

- a view whose form takes files declares its maximum with `upload_limit` (the admin's
  imports, the sales upload and the sales API), and its form checks each file with
  `validate_upload_size`;
- any other admin view takes `ADMIN_UPLOAD_MAX_BYTES` from a user with admin access
  (Wagtail's documents and images);
- every other view takes no file at all.

`RequestLimitMiddleware` refuses a request whose body is larger than that maximum
plus the form fields' allowance before reading any of it, with the 413 page (the
API's JSON error on the API). Otherwise `LimitedUploadHandler`, first of
FILE_UPLOAD_HANDLERS, stops storing a file past the maximum: in a view that
declared its maximum the file reaches the form as a `RefusedUpload`, which the
form reports as too large; anywhere else the request gets the 413 page.
"""

import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _

from rest_framework.views import APIView


def upload_limit(max_bytes: int | str):
    """Declare that a view takes files of up to `max_bytes` (a number, or the name of
    the setting that holds it, read at each request) and that its form checks their
    size with `validate_upload_size`.

    Decorate the view function, or `as_view()`'s result; on a class, decorate
    `dispatch` with `method_decorator`.
    """

    def declare(view):
        view.upload_max_bytes = max_bytes
        return view

    return declare


def validate_upload_size(upload, max_bytes: int) -> None:
    """The form error for a file larger than its form accepts."""
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is larger than the limit of %(limit)s.")
            % {"limit": filesizeformat(max_bytes)},
            code="too_large",
        )


@dataclass(frozen=True)
class UploadLimit:
    max_bytes: int  # the files of one request
    declared: bool  # the view's form checks each file against max_bytes

    @property
    def request_bytes(self) -> int:
        return self.max_bytes + settings.DATA_UPLOAD_MAX_MEMORY_SIZE


# What a view that declares nothing takes outside the admin, and what a request that
# never met the middleware may send (a test's RequestFactory).
NO_FILES = UploadLimit(max_bytes=0, declared=False)


def _limit_for(request, view_func) -> UploadLimit:
    declared = getattr(view_func, "upload_max_bytes", None)
    if declared is not None:
        max_bytes = (
            getattr(settings, declared) if isinstance(declared, str) else declared
        )
        return UploadLimit(max_bytes=max_bytes, declared=True)
    if request.path_info.startswith(reverse("wagtailadmin_home")) and (
        request.user.has_perm("wagtailadmin.access_admin")
    ):
        return UploadLimit(max_bytes=settings.ADMIN_UPLOAD_MAX_BYTES, declared=False)
    return NO_FILES


class RequestTooLarge(RequestDataTooBig):
    """A request's files are larger than its view takes. A SuspiciousOperation, as
    Django's own RequestDataTooBig: wherever the middleware cannot answer 413, the
    request still ends in a 400, never a 500."""


class RefusedUpload(UploadedFile):
    """A file larger than its form accepts, of which nothing was kept: its name and
    size, for the form's error, and no content."""

    def __init__(self, *, name, content_type, size, charset):
        super().__init__(io.BytesIO(), name, content_type, size, charset)


class LimitedUploadHandler(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: passes each file's chunks on to Django's own
    handlers until the file passes the view's maximum, then keeps nothing more."""

    def handle_raw_input(
        self, input_data, META, content_length, boundary, encoding=None
    ):
        self.limit = getattr(self.request, "upload_limit", NO_FILES)

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        self.refused = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received <= self.limit.max_bytes:
            return raw_data
        if not self.refused:
            self.refused = True
            self._discard_stored()
        if not self.limit.declared:
            raise RequestTooLarge("The request's files are larger than its view takes.")
        # The parser still reads the rest of the file to reach the fields after it:
        # at most the request's allowance, which the middleware checked.
        return None

    def _discard_stored(self):
        # The handlers after this one keep the file being received as `file`, as
        # Django's own parser assumes when it frees them; closing a temporary
        # upload removes it from the disk.
        for handler in self.request.upload_handlers:
            if handler is not self and hasattr(handler, "file"):
                handler.file.close()

    def file_complete(self, file_size):
        if not self.refused:
            return None
        return RefusedUpload(
            name=self.file_name,
            content_type=self.content_type,
            size=self.received,
            charset=self.charset,
        )


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _larger_than(limit_bytes: int) -> str:
    return _(
        "This request is larger than the %(limit)s this address accepts. Nothing "
        "was saved."
    ) % {"limit": filesizeformat(limit_bytes)}


def _refusal(exception: RequestDataTooBig, limit: UploadLimit) -> str:
    """What to tell the sender: the files went past the view's maximum, or the form
    fields (or a JSON body) past Django's."""
    if not isinstance(exception, RequestTooLarge):
        return _larger_than(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    if not limit.max_bytes:
        return _("This address takes no files. Nothing was saved.")
    return _larger_than(limit.max_bytes)


def _too_large(request, view_func, message: str):
    view_class = getattr(view_func, "cls", None)
    if isinstance(view_class, type) and issubclass(view_class, APIView):
        return JsonResponse({"code": "too_large", "message": message}, status=413)
    return render(request, "413.html", {"message": message}, status=413)


class RequestLimitMiddleware:
    """Sets the view's limit on the request, refuses a body larger than it, and
    reads a form body here, where a refusal can still become the 413 page (read by
    the CSRF check next, it would end as a bare 400).

    Place it before `control_characters.ControlCharacterMiddleware` and Django's
    CsrfViewMiddleware.
    """

    _FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not _content_length(request):
            return None
        limit = request.upload_limit = _limit_for(request, view_func)
        if _content_length(request) > limit.request_bytes:
            return _too_large(request, view_func, _larger_than(limit.request_bytes))
        if request.method == "POST" and request.content_type in self._FORM_TYPES:
            try:
                request.POST  # noqa: B018 (reading the body is the point)
            except RequestDataTooBig as exception:
                return _too_large(request, view_func, _refusal(exception, limit))
        return None

    def process_exception(self, request, exception):
        """A body the view reads itself (the API parses its JSON)."""
        if isinstance(exception, RequestDataTooBig):
            limit = getattr(request, "upload_limit", NO_FILES)
            message = _refusal(exception, limit)
            return _too_large(request, request.resolver_match.func, message)
        return None
