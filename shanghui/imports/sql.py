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

from django.db import DatabaseError, connection, models, transaction

from shanghui.core import search

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


# --- The search index (core/search.py) -------------------------------------------------------
# These writes bypass the models' save signals that keep the index current, so an import notes what
# it wrote (tracking()) and brings the index up to date in its own transaction (refresh_search()).

_tracked = threading.local()


def _note(model, *, inserted: bool = False, updated=()) -> None:
    touched = getattr(_tracked, "current", None)
    if touched is not None:
        entry = touched.setdefault(model, [False, set()])
        entry[0] |= inserted
        entry[1].update(updated)


@contextmanager
def tracking():
    """Note the models (and updated primary keys) that insert_rows/update_rows write to."""
    _tracked.current = {}
    try:
        yield _tracked.current
    finally:
        _tracked.current = None


def refresh_search(touched: dict) -> None:
    """Index the rows an import inserted (primary keys above the highest indexed one) and re-index
    those it updated, and the rows whose text depends on them. Run inside the import's transaction,
    after its rows are in the tables."""
    for kind in search.KINDS.values():
        pks: set = set()
        if kind.model in touched:
            inserted, updated = touched[kind.model]
            pks |= updated
            if inserted:
                top = search.max_indexed(kind.name)
                pks |= set(kind.model._base_manager.filter(pk__gt=top).values_list("pk", flat=True))
        for model, affected in kind.depends.items():
            if model in touched:
                inserted, updated = touched[model]
                pks |= set(affected(list(updated)))
        if pks:
            search.refresh(kind.name, sorted(pks))


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
    _note(model, inserted=True)
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
    _note(model, updated=(row[-1] for row in rows))
    if (stage := getattr(_staging, "current", None)) is not None:
        stage.add("update", model, columns, rows)
        return len(rows)
    table = connection.ops.quote_name(meta.db_table)
    sets = ", ".join(f"{connection.ops.quote_name(c.column)} = %s" for c in columns)
    pk = connection.ops.quote_name(meta.pk.column)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {sets} WHERE {pk} = %s", rows)
    return len(rows)


# --- Staging --------------------------------------------------------------------------------
# An import that wrote as it read would hold its locks for the whole file (minutes at a million
# rows): on SQLite the one write lock, so every other write of the site, a login's session
# included, would wait behind it; on PostgreSQL the row of the dashboard's data version, which
# every write to a counted table bumps (reports/counters.py), so other writers of enterprises,
# memberships and the like would wait too. So the import reads, checks and plans without a
# transaction, keeping the rows it would write aside (SQLite: a scratch file; PostgreSQL:
# temporary tables of its session), and copies them over in one short transaction at the end.

_staging = threading.local()
STAGE_SCHEMA = "import_stage"


class Stage:
    """The inserts and updates of one import, grouped by statement shape, until merged()."""

    def __init__(self):
        self.tables: dict[tuple, tuple[str, type[models.Model], list]] = {}

    def add(self, op: str, model: type[models.Model], columns: list, rows: list) -> None:
        key = (op, model, tuple(c.column for c in columns))
        if key not in self.tables:
            self.tables[key] = (self._create(len(self.tables), op, model, columns), model, columns)
        self._append(self.tables[key][0], op, model, columns, rows)

    @contextmanager
    def merged(self):
        """Copy everything into the database in one transaction, then run the with-body in it."""
        quote = connection.ops.quote_name
        with transaction.atomic(), connection.cursor() as cursor:
            for (op, model, _), (source, _, columns) in self.tables.items():
                table = quote(model._meta.db_table)
                values = self._columns(columns)
                if op == "insert":
                    names = ", ".join(quote(c.column) for c in columns)
                    cursor.execute(f"INSERT INTO {table} ({names}) SELECT {', '.join(values)} FROM {source}"
                                   f"{self.ORDER}")
                else:
                    sets = ", ".join(f"{quote(c.column)} = s.{v}" for c, v in zip(columns, values, strict=True))
                    pk = quote(model._meta.pk.column)
                    cursor.execute(f"UPDATE {table} SET {sets} FROM {source} AS s "
                                   f"WHERE {table}.{pk} = s.{self._columns([model._meta.pk], len(columns))[0]}")
            yield

    ORDER = ""

    def _columns(self, columns, start: int = 0) -> list[str]:
        raise NotImplementedError

    def _create(self, n: int, op: str, model, columns) -> str:
        raise NotImplementedError

    def _append(self, name: str, op: str, model, columns, rows) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class SqliteStage(Stage):
    """A scratch SQLite file, attached to the database's connection for the copy."""

    ORDER = " ORDER BY rowid"

    def __init__(self, path: Path):
        super().__init__()
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        # A scratch file: if the process dies it is thrown away, so no journal and no fsync.
        self.db.execute("PRAGMA journal_mode = OFF")
        self.db.execute("PRAGMA synchronous = OFF")
        self.db.execute("BEGIN")

    def _columns(self, columns, start: int = 0) -> list[str]:
        return [f"c{i}" for i in range(start, start + len(columns))]

    def _create(self, n, op, model, columns) -> str:
        width = len(columns) + (op == "update")
        # Untyped columns keep each value as the driver hands it over (the same adapters as the
        # database's own connection); the real columns apply their types on the copy.
        self.db.execute(f"CREATE TABLE t{n} ({', '.join(f'c{i}' for i in range(width))})")
        return f"{STAGE_SCHEMA}.t{n}"

    def _append(self, name, op, model, columns, rows) -> None:
        self.db.executemany(f"INSERT INTO {name.split('.')[1]} VALUES ({', '.join('?' * len(rows[0]))})", rows)

    @contextmanager
    def merged(self):
        self.db.execute("COMMIT")
        self.db.close()
        with connection.cursor() as cursor:  # ATTACH is refused inside a transaction
            cursor.execute(f"ATTACH DATABASE %s AS {STAGE_SCHEMA}", [str(self.path)])
        try:
            with super().merged():
                yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"DETACH DATABASE {STAGE_SCHEMA}")

    def close(self) -> None:
        try:
            self.db.close()
        finally:
            self.path.unlink(missing_ok=True)


class PostgresStage(Stage):
    """Temporary tables of this session (never logged, gone with the session if it dies)."""

    def __init__(self):
        super().__init__()
        self.prefix = f"{STAGE_SCHEMA}_{uuid.uuid4().hex[:12]}"

    def _columns(self, columns, start: int = 0) -> list[str]:
        return [connection.ops.quote_name(c.column) for c in columns]

    def _create(self, n, op, model, columns) -> str:
        quote = connection.ops.quote_name
        fields = [*columns, model._meta.pk] if op == "update" else columns
        name = f"{self.prefix}_{n}"
        with connection.cursor() as cursor:
            # The real columns' types, so COPY converts each value as it would for the table itself.
            cursor.execute(f"CREATE TEMPORARY TABLE {name} AS SELECT {', '.join(quote(c.column) for c in fields)} "
                           f"FROM {quote(model._meta.db_table)} WITH NO DATA")
        return name

    def _append(self, name, op, model, columns, rows) -> None:
        fields = [*columns, model._meta.pk] if op == "update" else columns
        names = ", ".join(connection.ops.quote_name(c.column) for c in fields)
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def close(self) -> None:
        if connection.connection is None or connection.in_atomic_block:
            return
        try:
            with connection.cursor() as cursor:
                for name, _, _ in self.tables.values():
                    cursor.execute(f"DROP TABLE IF EXISTS {name}")
        except DatabaseError:  # a broken session: its temporary tables went with it
            pass


def can_stage() -> bool:
    """Only where the import owns the transaction (not inside another one, as in most tests)."""
    return connection.vendor in ("sqlite", "postgresql") and not connection.in_atomic_block


@contextmanager
def staging():
    """Route this thread's insert_rows/update_rows into a new Stage for the length of the block."""
    if connection.vendor == "sqlite":
        stage: Stage = SqliteStage(private_file(stage_path(uuid.uuid4().hex)))
    else:
        stage = PostgresStage()
    _staging.current = stage
    try:
        yield stage
    finally:
        _staging.current = None
        stage.close()


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
