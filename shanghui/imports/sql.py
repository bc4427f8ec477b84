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
import sqlite3
import threading
import uuid
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from pathlib import Path

from django.db import connection, models, transaction

from .files import private_file, stage_path

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
    if (stage := getattr(_staging, "current", None)) is not None:
        stage.add("insert", model, columns, rows)
        return len(rows)
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
    if (stage := getattr(_staging, "current", None)) is not None:
        stage.add("update", model, columns, rows)
        return len(rows)
    table = connection.ops.quote_name(meta.db_table)
    sets = ", ".join(f"{connection.ops.quote_name(c.column)} = %s" for c in columns)
    pk = connection.ops.quote_name(meta.pk.column)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {sets} WHERE {pk} = %s", rows)
    return len(rows)


# --- Staging (SQLite) ------------------------------------------------------------------
# SQLite has one writer at a time. An import that wrote as it read would hold the write lock
# for the whole file (a minute and more at a million rows) and every other write of the site,
# a login's session included, would wait behind it. So on SQLite the import reads, checks and
# plans without the lock, keeping the rows it would write in a scratch SQLite file, and takes
# the lock only to copy them over in one transaction (see engine.run and docs/performance.md).

_staging = threading.local()
STAGE_SCHEMA = "import_stage"


class Stage:
    """The inserts and updates of one import, in order, in a scratch file until merge()."""

    def __init__(self, path: Path):
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        # A scratch file: if the process dies it is thrown away, so no journal and no fsync.
        self.db.execute("PRAGMA journal_mode = OFF")
        self.db.execute("PRAGMA synchronous = OFF")
        self.db.execute("BEGIN")
        self.tables: dict[tuple, tuple[str, type[models.Model], list]] = {}

    def add(self, op: str, model: type[models.Model], columns: list, rows: list) -> None:
        key = (op, model, tuple(c.column for c in columns))
        if key not in self.tables:
            name = f"t{len(self.tables)}"
            width = len(columns) + (op == "update")
            # Untyped columns keep each value as the driver hands it over (the same adapters as
            # the database's own connection); the real columns apply their types on the copy.
            self.db.execute(f"CREATE TABLE {name} ({', '.join(f'c{i}' for i in range(width))})")
            self.tables[key] = (name, model, columns)
        name = self.tables[key][0]
        marks = ", ".join("?" * len(rows[0]))
        self.db.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)

    @contextmanager
    def merged(self):
        """Copy everything into the database in one transaction, then run the with-body in it."""
        self.db.execute("COMMIT")
        self.db.close()
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:  # ATTACH is refused inside a transaction
            cursor.execute(f"ATTACH DATABASE %s AS {STAGE_SCHEMA}", [str(self.path)])
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                for (op, model, _), (name, _, columns) in self.tables.items():
                    table = quote(model._meta.db_table)
                    source = f"{STAGE_SCHEMA}.{name}"
                    if op == "insert":
                        names = ", ".join(quote(c.column) for c in columns)
                        values = ", ".join(f"c{i}" for i in range(len(columns)))
                        cursor.execute(f"INSERT INTO {table} ({names}) SELECT {values} FROM {source} ORDER BY rowid")
                    else:
                        sets = ", ".join(f"{quote(c.column)} = s.c{i}" for i, c in enumerate(columns))
                        pk = quote(model._meta.pk.column)
                        cursor.execute(f"UPDATE {table} SET {sets} FROM {source} AS s "
                                       f"WHERE {table}.{pk} = s.c{len(columns)}")
                yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"DETACH DATABASE {STAGE_SCHEMA}")


def can_stage() -> bool:
    """Staging is for SQLite, and only where the import owns the transaction (not inside another)."""
    return connection.vendor == "sqlite" and not connection.in_atomic_block


@contextmanager
def staging():
    """Route this thread's insert_rows/update_rows into a new Stage for the length of the block."""
    path = private_file(stage_path(uuid.uuid4().hex))
    stage = Stage(path)
    _staging.current = stage
    try:
        yield stage
    finally:
        _staging.current = None
        try:
            stage.db.close()
        finally:
            path.unlink(missing_ok=True)


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
