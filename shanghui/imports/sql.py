"""Set-based inserts and updates for imports of up to a million rows.

Why not `bulk_create`/`bulk_update`: by the time rows get here every value has been
parsed, validated (the same validators and model rules the services apply) and
scope-checked by the engine, and we are inside the import's one transaction. What
is left is moving tuples into the table, and Django's per-object preparation costs
more than the database's insert (about 15 µs a row against 8). So we prepare each
column once with Django's own `get_db_prep_save` only where the driver needs it
(dates on SQLite), and hand the tuples to `executemany` or, on PostgreSQL, COPY.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from contextlib import contextmanager

from django.db import connection, models

# SQLite's page cache for the length of one import (its default is 2 MB). A million-row
# import touches the enterprise table and five indexes at random places (the look-up of
# existing codes and the inserts); with 2 MB nearly every page is read again and dirty
# pages spill into the WAL mid-transaction. This only changes how much of the file is
# kept in memory, never what is written or when it is made durable.
IMPORT_CACHE_KB = 256 * 1024


@contextmanager
def import_cache():
    """A large SQLite page cache while an import runs; the connection's own size afterwards."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {before}")  # also frees the pages above the old size


def _converter(field: models.Field):
    # psycopg adapts dates and times itself, and so does sqlite3 for dates (Django's SQLite
    # backend registers date.isoformat as the adapter, which is what get_db_prep_save stores).
    # An aware datetime needs Django's conversion to naive UTC text; the import's one `created`
    # timestamp is converted once and reused.
    if connection.vendor != "sqlite" or not isinstance(field, models.DateTimeField):
        return None
    adapt, memo = connection.ops.adapt_datetimefield_value, {}

    def convert(value):
        if value not in memo:
            memo[value] = adapt(value)
        return memo[value]

    return convert


def db_value(model: type[models.Model], name: str, value):
    """`value` for the column `name` as insert_rows(prepared=True) expects it."""
    convert = _converter(model._meta.get_field(name))
    return convert(value) if convert else value


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence],
                prepared: bool = False) -> int:
    """INSERT the tuples (in `fields` order). Returns the number of rows written.

    prepared: the rows' datetimes already went through db_value (no per-row conversion).
    """
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    converters = [] if prepared else [(i, c) for i, c in enumerate(map(_converter, columns)) if c is not None]
    if converters:
        rows = [_convert(row, converters) for row in rows]
    else:
        rows = list(rows)
    if not rows:
        return 0
    table = connection.ops.quote_name(meta.db_table)
    names = ", ".join(connection.ops.quote_name(c.column) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY is PostgreSQL's bulk path: one round trip, constraints still checked.
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
    return len(rows)


def update_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    """UPDATE by primary key: each tuple is (*values in `fields` order, pk)."""
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    converters = [(i, c) for i, c in enumerate(map(_converter, columns)) if c is not None]
    rows = [_convert(row, converters) for row in rows] if converters else list(rows)
    if not rows:
        return 0
    table = connection.ops.quote_name(meta.db_table)
    sets = ", ".join(f"{connection.ops.quote_name(c.column)} = %s" for c in columns)
    pk = connection.ops.quote_name(meta.pk.column)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {sets} WHERE {pk} = %s", rows)
    return len(rows)


def _convert(row: Sequence, converters) -> tuple:
    row = list(row)
    for i, convert in converters:
        row[i] = convert(row[i])
    return tuple(row)


def select_in(model: type[models.Model], key: str, keys: Sequence, fields: Sequence[str],
              chunk: int = 5000) -> Iterable[tuple]:
    """(key, *fields) of the rows whose `key` is among `keys`: the upsert's look-up of existing rows.

    Raw SQL for the same reason as above: the ORM spends about 4 µs preparing each of a
    million IN parameters. Dates come back from SQLite as text and are turned into dates
    so they compare equal to the parsed cells.
    """
    meta = model._meta
    columns = [meta.get_field(name) for name in (key, *fields)]
    dates = [i for i, c in enumerate(columns) if type(c) is models.DateField]
    table = connection.ops.quote_name(meta.db_table)
    names = ", ".join(connection.ops.quote_name(c.column) for c in columns)
    where = connection.ops.quote_name(columns[0].column)
    keys = list(keys)
    with connection.cursor() as cursor:
        for i in range(0, len(keys), chunk):
            part = keys[i:i + chunk]
            cursor.execute(f"SELECT {names} FROM {table} WHERE {where} IN ({', '.join(['%s'] * len(part))})", part)
            for row in cursor.fetchall():
                if dates:
                    row = list(row)
                    for d in dates:
                        if isinstance(row[d], str):
                            row[d] = dt.date.fromisoformat(row[d])
                yield tuple(row)
