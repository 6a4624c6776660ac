"""What every row-wise import's django-import-export resource shares.

`RowImportResource` checks required values and repeated keys, keeps each dataset
row's number in the file (as Excel shows it), collects every error of a row with its
column, and remembers which columns an update changes. The widgets read the values
files hold: codes from a fixed list, ISO dates, dates with an optional time, text
up to a length, lists separated by semicolons, true or false, email addresses,
domains, and related objects named by one text column. An app's resource declares
its columns and saves each row through its own services (import-export's bulk mode
and `save()` would skip the histories and the outbox; see ARCHITECTURE.md, "Known
traps").
"""

import datetime
import re

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import DomainNameValidator, validate_email
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from import_export import resources, widgets

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def codes_listed(values):
    return ", ".join(values)


class CodeWidget(widgets.CharWidget):
    """A value from a fixed list of codes, compared without regard to case."""

    def __init__(self, codes, message, *, empty=""):
        super().__init__()
        self.codes = list(codes)
        self.message = message
        # What an empty cell stands for: no code, or the field's default.
        self.empty = empty

    def clean(self, value, row=None, **kwargs):
        code = (value or "").strip().lower()
        if code and code not in self.codes:
            raise ValueError(
                self.message() % {"value": value, "codes": codes_listed(self.codes)}
            )
        return code or self.empty


class IsoDateWidget(widgets.DateWidget):
    """A date written YYYY-MM-DD, the way Excel cells arrive from open_table()."""

    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip()
        if not value:
            return None
        try:
            if not _ISO_DATE.match(value):
                raise ValueError(value)
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise ValueError(
                _("Enter the date as YYYY-MM-DD, such as 2024-03-01.")
            ) from None


class DateTimeWidget(widgets.Widget):
    """A date, or a date and time, in the installation's time zone; empty: none."""

    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip()
        if not value:
            return None
        try:
            when = parse_datetime(value.replace("T", " "))
            if when is None:
                day = parse_date(value)
                if day is None:
                    raise ValueError(value)
                when = datetime.datetime.combine(day, datetime.time(0))
        except ValueError:
            raise ValueError(
                _("Write the date as YYYY-MM-DD or YYYY-MM-DD HH:MM.")
            ) from None
        return timezone.make_aware(when) if timezone.is_naive(when) else when


class LimitedTextWidget(widgets.CharWidget):
    """Text of at most `max_length` characters; `message()` says so."""

    def __init__(self, max_length, message):
        super().__init__()
        self.max_length = max_length
        self.message = message

    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip()
        if len(value) > self.max_length:
            raise ValueError(self.message())
        return value


class ListWidget(widgets.Widget):
    """Values separated by semicolons, as one cell holds several."""

    def clean(self, value, row=None, **kwargs):
        return [part.strip() for part in (value or "").split(";") if part.strip()]


class TrueFalseWidget(widgets.Widget):
    """true or false, in any case; empty: false."""

    def clean(self, value, row=None, **kwargs):
        text = (value or "").strip().lower()
        if text not in ("", "true", "false"):
            raise ValueError(_("Write true or false."))
        return text == "true"


class DomainWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip().lstrip("@").lower()
        if value:
            try:
                DomainNameValidator()(value)
            except ValidationError as error:
                raise ValueError(error.messages[0]) from None
        return value


class EmailWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip()
        if value:
            try:
                validate_email(value)
            except ValidationError as error:
                raise ValueError(error.messages[0]) from None
        return value


class LookupWidget(widgets.ForeignKeyWidget):
    """A related object named by one text column; each value is looked up once.

    Values are compared without regard to case unless `exact` (identifiers that
    are unique as written: external IDs, certification codes).
    """

    def __init__(self, model, field, *, exact=False):
        super().__init__(model, field)
        self.exact = exact
        self._found = {}

    def key(self, value):
        return value if self.exact else value.lower()

    def find(self, key):
        lookup = self.field if self.exact else f"{self.field}__iexact"
        return self.model.objects.filter(**{lookup: key}).first()

    def refuse(self, value, found):
        """Why `found` (None when nothing matched) cannot stand for `value`."""
        raise NotImplementedError

    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip()
        if not value:
            return None
        key = self.key(value)
        if key not in self._found:
            self._found[key] = self.find(key)
        found = self._found[key]
        reason = self.refuse(value, found)
        if reason:
            raise ValueError(reason)
        return found


class RowImportResource(resources.ModelResource):
    """What both imports share: required values, duplicate keys, row numbers.

    `file_rows[i]` is the file's row number (as Excel shows it) of the dataset's
    row i + 1; import-export numbers dataset rows from 1. `on_row` is called once
    for each row, for progress bars. `by` is the importing user (None from a
    command) and `reason` the sentence recorded in histories. `context` is what the
    kind's upload holds besides the table (an archive's files, see `archives`) and
    `options` what the caller asked of this run (`file_import`'s options).
    """

    key_column = ""
    required_values: tuple[str, ...] = ()

    def __init__(
        self,
        *,
        by=None,
        reason="",
        file_rows=(),
        on_row=None,
        context=None,
        options=None,
    ):
        super().__init__()
        self.by = by
        self.reason = reason
        self.file_rows = list(file_rows)
        self.on_row = on_row
        self.context = context
        self.options = dict(options or {})
        self.first_row_of_key = {}
        self.changed_columns = {}
        # Rows the caller acts on once the file is in (the users to invite).
        self.created_objects = []
        self.by_column = {field.column_name: field for field in self.fields.values()}
        self._before = None

    def file_row(self, row_number):
        return self.file_rows[row_number - 1]

    def column_of(self, key):
        """The file column an error key (a field attribute or model field) is about."""
        for name, field in self.fields.items():
            if key in (name, field.attribute, field.column_name):
                return field.column_name
        # Errors on fields no column fills (the username a new user gets from
        # their email address) are about the row's key column.
        return None if key == NON_FIELD_ERRORS else self.key_column

    def normalise_key(self, value):
        return (value or "").strip()

    def duplicate_message(self, value, row):
        raise NotImplementedError

    def current_values(self, instance):
        return {
            field.column_name: field.get_value(instance)
            for field in self.get_import_fields()
        }

    def before_import_row(self, row, **kwargs):
        if self.on_row is not None:
            self.on_row()

    def after_init_instance(self, instance, new, row, **kwargs):
        self._before = None if new else self.current_values(instance)

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        for column in self.required_values:
            if not (row.get(column) or "").strip():
                attribute = self.by_column[column].attribute
                errors[attribute] = [_("This column needs a value.")]
        key = self.normalise_key(row.get(self.key_column))
        if key:
            this_row = self.file_row(kwargs["row_number"])
            first = self.first_row_of_key.setdefault(key, this_row)
            if first != this_row:
                attribute = self.by_column[self.key_column].attribute
                errors.setdefault(attribute, []).append(
                    self.duplicate_message(row.get(self.key_column), first)
                )
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        self.check_row(instance, row, errors)
        if self._before is not None:
            after = self.current_values(instance)
            self.changed_columns[kwargs["row_number"]] = [
                column
                for column, value in after.items()
                if column in row and value != self._before[column]
            ]
        if errors:
            raise ValidationError(errors)

    def check_row(self, instance, row, errors):
        """Add the errors no single field shows; `self._before` is None when new."""

    def clean_exclude(self, errors):
        return set(errors)

    def validate_instance(
        self, instance, import_validation_errors=None, validate_unique=True
    ):
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(
                exclude=self.clean_exclude(errors), validate_unique=validate_unique
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def import_values(self, instance, row):
        return {
            field.attribute: getattr(instance, field.attribute)
            for field in self.get_import_fields()
            if field.column_name in row
        }

    def after_import(self, dataset, result, **kwargs):
        # ModelResource sets the id sequence to the highest id after creating rows,
        # as loaddata does. Our rows take their ids from the sequence, and moving
        # it back below ids that concurrent transactions hold would break them.
        pass
