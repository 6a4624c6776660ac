"""The API's JSON, without control characters, as the portal's forms are.

DRF reads a JSON body itself, after the middleware that removes control characters
from query strings and forms (`partner_portal.control_characters`); this parser
removes them from every string of the document, keys included, with the same rule:
tab, line feed and carriage return stay.
"""

from rest_framework.parsers import JSONParser

from partner_portal.control_characters import strip_control_characters


def _cleaned(value):
    if isinstance(value, str):
        return strip_control_characters(value)
    if isinstance(value, list):
        return [_cleaned(item) for item in value]
    if isinstance(value, dict):
        return {_cleaned(key): _cleaned(item) for key, item in value.items()}
    return value


class CleanJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return _cleaned(super().parse(stream, media_type, parser_context))
