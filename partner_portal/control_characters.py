"""Control characters in a request never reach a view, and so never the database.

PostgreSQL refuses NUL in text (a search for `%00` was a server error), and the other
control characters mean nothing in a form field but break exports, feeds and the
pages that show them again. `ControlCharacterMiddleware` is the one place that
removes them from what a request carries: its headers (cookies included) before any
other middleware reads them, then the query string and the form fields before the
view runs (Django's parser already drops them from the names of uploaded files). A
path holding one names nothing and answers 404.
The API parses JSON itself and removes them with the same function
(`partner_portal.api.parsers`).

Tab, line feed and carriage return stay in form fields, where text areas need them;
in the query string they become spaces, so that words stay apart.
"""

import re

from django.http import Http404, QueryDict

# C0 controls without tab, line feed and carriage return; DEL; C1 controls.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_CONTROL = re.compile("[\t\n\r]")
# Header values are Latin-1 decoded bytes: 0x80-0x9f there are parts of UTF-8
# characters, not C1 controls, so headers lose C0 controls and DEL only.
_HEADER_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f]")


def strip_control_characters(text: str, *, keep_line_breaks: bool = True) -> str:
    """`text` without control characters; tabs and line breaks are kept, or become
    spaces when `keep_line_breaks` is false."""
    text = _CONTROL.sub("", text)
    if not keep_line_breaks:
        text = _LINE_CONTROL.sub(" ", text)
    return text


def _cleaned(query: QueryDict, *, keep_line_breaks: bool) -> QueryDict:
    cleaned = QueryDict(mutable=True, encoding=query.encoding)
    for key, values in query.lists():
        cleaned.setlist(
            strip_control_characters(key, keep_line_breaks=False),
            [
                strip_control_characters(v, keep_line_breaks=keep_line_breaks)
                for v in values
            ],
        )
    cleaned._mutable = False
    return cleaned


class ControlCharacterMiddleware:
    """Place it before SessionMiddleware, which reads the session cookie, and after
    `request_limits.RequestLimitMiddleware`, whose view phase reads the body first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for key, value in request.META.items():
            if key.startswith("HTTP_") and isinstance(value, str):
                request.META[key] = _HEADER_CONTROL.sub("", value)
        # A quoted cookie may spell a NUL as an octal escape ("\000").
        for name, value in request.COOKIES.items():
            request.COOKIES[name] = strip_control_characters(value)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if _CONTROL.search(request.path_info) or _LINE_CONTROL.search(
            request.path_info
        ):
            raise Http404
        request.GET = _cleaned(request.GET, keep_line_breaks=False)
        if request.method == "POST":
            request.POST = _cleaned(request.POST, keep_line_breaks=True)
        return None
