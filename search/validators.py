"""How long a search may be, for the portal page and the API alike.

Each word of a query becomes clauses in Elasticsearch (and in the database fallback),
so a 4 KB, 570-word query took two seconds; no search a person types comes near
these limits. Words are what `str.split` separates: a Chinese query without spaces
counts as one word, and its length is held by the character limit.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.functional import lazy
from django.utils.translation import gettext

MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 32


def _too_long() -> str:
    return gettext(
        "A search can have at most %(characters)d characters and %(words)d words. "
        "Shorten it and search again."
    ) % {"characters": MAX_QUERY_LENGTH, "words": MAX_QUERY_WORDS}


QUERY_TOO_LONG = lazy(_too_long, str)()


class QueryValidator(MaxLengthValidator):
    """Refuses a query of more than MAX_QUERY_LENGTH characters or MAX_QUERY_WORDS
    words, with one message for both. A MaxLengthValidator, so that the API's
    schema declares the length."""

    def __init__(self):
        super().__init__(MAX_QUERY_LENGTH, message=QUERY_TOO_LONG)

    def __call__(self, text):
        if len(text) > MAX_QUERY_LENGTH or len(text.split()) > MAX_QUERY_WORDS:
            raise ValidationError(self.message, code="too_long")


validate_query = QueryValidator()
