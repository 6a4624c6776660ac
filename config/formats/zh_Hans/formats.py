"""Simplified Chinese number formats where the project departs from Django's.

Django's zh_Hans formats group no digits (1234567.50); Chinese invoices, bank and
incentive statements write 1,234,567.50, as CLDR's zh locale does. Everything else
(dates above all) is Django's.
"""

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
