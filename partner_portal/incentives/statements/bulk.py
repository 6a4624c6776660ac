"""Writing a run's thousands of rows: COPY on PostgreSQL, bulk_create elsewhere.

A quarter for 2,000 partners writes some 2,000 statements, their lines and their
history. Django's bulk_create spends most of that time building one INSERT with
tens of thousands of parameters; COPY streams the same rows in a fraction of it.
The statements' primary keys are taken from the table's sequence first, so the
lines can name them; lines and history rows are numbered by the table.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models


def _copy(cursor, table: str, fields, instances) -> None:
    """COPY `fields` of `instances` into `table` (a quoted name)."""
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    # Read each row's values straight from the instances' dicts: this loop runs
    # once per cell, tens of thousands of times a run.
    cells = [(field.attname, isinstance(field, models.JSONField)) for field in fields]
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for instance in instances:
            values = instance.__dict__
            copy.write_row(
                [
                    json.dumps(values[name], cls=DjangoJSONEncoder)
                    if is_json
                    else values[name]
                    for name, is_json in cells
                ]
            )


def bulk_insert(model, instances: list, *, keys: bool = True) -> None:
    """Insert `instances` of `model`; with `keys`, set their primary keys (taken
    from the sequence first), otherwise let the table number them."""
    if not instances:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(instances, batch_size=1000)
        return
    table = model._meta.db_table
    pk = model._meta.pk
    fields = model._meta.concrete_fields
    with connection.cursor() as cursor:
        if keys:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                "FROM generate_series(1, %s)",
                [table, pk.column, len(instances)],
            )
            for instance, (key,) in zip(instances, cursor.fetchall(), strict=True):
                instance.pk = key
                instance._state.adding, instance._state.db = False, connection.alias
        else:
            fields = [field for field in fields if field is not pk]
        _copy(cursor, connection.ops.quote_name(table), fields, instances)


def bulk_update(model, instances: list, fields: list[str]) -> None:
    """Update `fields` of `instances`: on PostgreSQL the new values go by COPY into
    a temporary table and one UPDATE joins it, where bulk_update would build a CASE
    of thousands of branches per field."""
    if not instances:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_update(instances, fields, batch_size=1000)
        return
    table = connection.ops.quote_name(model._meta.db_table)
    pk = model._meta.pk
    columns = [model._meta.get_field(name) for name in fields]
    names = [connection.ops.quote_name(field.column) for field in [pk, *columns]]
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE bulk_update AS "  # noqa: S608
            f"SELECT {', '.join(names)} FROM {table} WITH NO DATA"
        )
        _copy(cursor, "bulk_update", [pk, *columns], instances)
        assignments = ", ".join(f"{name} = b.{name}" for name in names[1:])
        cursor.execute(
            f"UPDATE {table} t SET {assignments} FROM bulk_update b "  # noqa: S608
            f"WHERE t.{names[0]} = b.{names[0]}"
        )
        cursor.execute("DROP TABLE bulk_update")
