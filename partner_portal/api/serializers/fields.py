"""Fields and bases every API serializer shares: text as sent, patterns, errors."""

import datetime
import re

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from partner_portal.incentives.currencies import currency_names

# characters never reach a field (the parser and the middleware remove them, see
# partner_portal.control_characters), so they count as nothing here either. The
# patterns are the schema's too (drf-spectacular reads RegexValidator), written so
# that Python, ECMAScript and Rust read them alike.
VISIBLE_TEXT_PATTERN = r"[^\s\x00-\x1f\x7f-\x9f]"
# A partner's website: http or https and a host name; fewer than Django's URLField
# takes (no IP addresses, ports or user names), so every address this admits Django
# admits too.
WEBSITE_PATTERN = (
    r"^https?://(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
    r"[A-Za-z]{2,63}(?:[/?#][!-~]*)?$"
)
_WHOLE_NUMBER = re.compile(r"-?[0-9]+")


class TextField(serializers.CharField):
    """Text as the schema declares it: a JSON string of at most `max_length`
    characters as sent (before surrounding spaces are trimmed) that, unless blank
    is allowed, holds something besides spaces.

    DRF's CharField also takes numbers, and measures after trimming, so a client
    could send what the schema forbids and have it accepted.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        validator = self.pattern_validator()
        if validator is not None:
            self.validators.append(validator)

    def pattern_validator(self):
        if self.allow_blank:
            return None
        return RegexValidator(VISIBLE_TEXT_PATTERN, _("Enter some text."))

    def run_validation(self, data=serializers.empty):
        if data is not serializers.empty and data is not None:
            if not isinstance(data, str):
                self.fail("invalid")
            if self.max_length is not None and len(data) > self.max_length:
                self.fail("max_length", max_length=self.max_length)
        return super().run_validation(data)


class PatternField(TextField):
    """Text of one exact form, checked as sent, never trimmed."""

    def __init__(self, pattern, message, **kwargs):
        self.pattern = pattern
        self.message = message
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)

    def pattern_validator(self):
        return RegexValidator(self.pattern, self.message)


class WholeNumberField(serializers.IntegerField):
    """An integer; as text (a query parameter), only its digits and a sign.

    DRF's IntegerField also reads " 5", "+5", "5.0" and other scripts' digits.
    """

    def to_internal_value(self, data):
        if isinstance(data, str) and not _WHOLE_NUMBER.fullmatch(data):
            self.fail("invalid")
        return super().to_internal_value(data)


class JsonIntegerField(serializers.IntegerField):
    """An integer as JSON writes one.

    DRF's IntegerField also takes "5", 5.0 and true, which the schema's `integer`
    does not.
    """

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


_REAL_DATE = _("Enter a real date as YYYY-MM-DD, such as 2025-01-31.")


@extend_schema_field({"type": "string", "format": "date"})
class IsoDateTextField(PatternField):
    """A calendar date as YYYY-MM-DD, kept as the text sent."""

    def __init__(self, **kwargs):
        super().__init__(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", _REAL_DATE, **kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            raise serializers.ValidationError(_REAL_DATE) from None
        return value


@extend_schema_field({"type": "string", "enum": list(currency_names())})
class CurrencyCodeField(PatternField):
    """An ISO 4217 code in capitals; the sales import says whether it is in use."""

    def __init__(self, **kwargs):
        super().__init__(
            r"^[A-Z]{3}$",
            _("Enter a three-letter ISO 4217 currency code in capitals, such as EUR."),
            **kwargs,
        )


class ApiErrorSerializer(serializers.Serializer):
    """Every error answer (`conventions.exception_handler`); not named "Error",
    which generated clients (Java, TypeScript) would have to rename."""

    code = serializers.CharField(
        help_text=_("What went wrong, for programs: invalid, not_found, throttled...")
    )
    message = serializers.CharField(
        help_text=_("What went wrong, for people, in the caller's language.")
    )
    errors = serializers.JSONField(
        required=False,
        help_text=_(
            "With invalid data: the messages for each field, under its name; for "
            "a list sent, those of each item under its position, from 0."
        ),
    )


class StrictInputSerializer(serializers.Serializer):
    """Refuses any key it does not declare, instead of silently ignoring it.

    A client that sends `tier`, `stage` or `partner` where it may not set them learns
    so (400), rather than believing the change was made (mass assignment).
    """

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {
                        name: [_("This field cannot be set through the API.")]
                        for name in unknown
                    }
                )
        return super().to_internal_value(data)


def _iso(value, zone):
    """What DRF's DateTimeField renders: local time, ISO 8601, UTC as "Z"."""
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
