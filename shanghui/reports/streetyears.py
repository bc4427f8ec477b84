"""Per-street, per-year enterprise counts for the rate KPIs, kept up to date on write.

Every rate KPI of docs/design.md §5 counts, per street and year, the active enterprises that have some
property (a membership, an education attendance, a party coverage, an instructor). Counting that
live means scanning every enterprise of the district with EXISTS probes: seconds at a million
enterprises. Here each enterprise's contribution is stored as year bitmasks (`EnterpriseState`,
bit = year - BASE_YEAR) and the sums per street and year in `StreetYear`, so the dashboard reads
17 rows.

How they stay right:
- Triggers (counters.py) write an `EnterpriseMark` for every enterprise whose figures a write may
  change: its own row (dates, status, street), its memberships, party coverage, instructor
  assignments, the form of an organisation covering it, and its education attendance crossing
  zero in a year (`EnterpriseYear`). On SQLite a newly inserted enterprise needs no mark: ids are
  AUTOINCREMENT and one writer runs at a time, so "id above the last one counted" finds them,
  which spares the million-row import a trigger call per row.
- `settle()` (called before any read) recomputes the marked enterprises from their records,
  applies the difference from their stored state to `StreetYear`, and deletes the marks it
  read. Recomputing an enterprise that did not change adds nothing, so a spare mark is harmless.
- An import counts its own rows before it commits (`count_now()`, on imports' `import_written`
  signal, the CLI's imports too): a million new enterprises are one range scan and one insert
  there, instead of the first reader's `settle()` working through them.
- `rebuild()` recomputes everything (`shanghui rebuild_counters`); the tests compare the stored
  figures with the live KPI queries after random writes of every kind.

Years outside BASE_YEAR..LAST_YEAR are not kept; the KPI functions compute those live.
"""

import datetime as dt
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db import DatabaseError, OperationalError, transaction
from django.db import connection as default_connection

from shanghui.core.busy import no_wait
from shanghui.core.faults import write_fault

log = logging.getLogger(__name__)

BASE_YEAR = 1980
LAST_YEAR = BASE_YEAR + 62  # 63 bits: fits a signed 64-bit column
KEYS = ("active", "member", "member_participating", "participating", "organisation", "own", "work")
CHUNK = 5000
BATCH = 20_000  # enterprises per settle transaction
LOCK_KEY = 0x5348_5959  # PostgreSQL advisory lock: one settle at a time


def kept(year: int) -> bool:
    return BASE_YEAR <= year <= LAST_YEAR


def _span(first: int, last: int) -> int:
    """The bitmask of the years first..last, clipped to the kept range."""
    first, last = max(first, BASE_YEAR), min(last, LAST_YEAR)
    if first > last:
        return 0
    return ((1 << (last - first + 1)) - 1) << (first - BASE_YEAR)


def _date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _active(founded, status, changed) -> int:
    """Years in which the enterprise is active (directory/kpis.py active_enterprises): founded by the end
    of the year (or unknown), and active, or closed/moved after 1 January (the first inactive day)."""
    founded, changed = _date(founded), _date(changed)
    first = founded.year if founded else BASE_YEAR
    if status == "active":
        last = LAST_YEAR
    elif changed is None:
        return 0
    else:
        last = changed.year if (changed.month, changed.day) != (1, 1) else changed.year - 1
    return _span(first, last)


def _overlap(start, end) -> int:
    """Years a [start, end] (open end = forever) meets."""
    end = _date(end)
    return _span(_date(start).year, end.year if end else LAST_YEAR)


def _in(ids) -> str:
    return "(" + ",".join(str(int(i)) for i in ids) + ")"


def _states(cursor, ids: list[int]) -> dict[int, tuple]:
    """Enterprise id → (region id, masks in KEYS order) computed from the records; ids that no longer
    exist, or count nowhere, are left out."""
    where = _in(ids)
    cursor.execute(f"SELECT id, region_id, founded, status, status_changed FROM directory_enterprise "
                   f"WHERE id IN {where}")
    enterprises = cursor.fetchall()
    member, covered, own, instructed, educated = (defaultdict(int) for _ in range(5))
    cursor.execute(f'SELECT enterprise_id, joined, "left" FROM directory_membership WHERE enterprise_id IN {where}')
    for pk, start, end in cursor.fetchall():
        member[pk] |= _overlap(start, end)
    cursor.execute(f'SELECT c.enterprise_id, c.start, c."end", o.form FROM party_partycoverage c '
                   f'JOIN party_partyorganization o ON o.id = c.organization_id WHERE c.enterprise_id IN {where}')
    for pk, start, end, form in cursor.fetchall():
        years = _overlap(start, end)
        covered[pk] |= years
        if form == "own":
            own[pk] |= years
    cursor.execute(f'SELECT enterprise_id, start, "end" FROM party_instructorassignment WHERE enterprise_id IN {where}')
    for pk, start, end in cursor.fetchall():
        instructed[pk] |= _overlap(start, end)
    cursor.execute(f"SELECT enterprise_id, year FROM reports_enterpriseyear "
                   f"WHERE education > 0 AND enterprise_id IN {where}")
    for pk, year in cursor.fetchall():
        if kept(year):
            educated[pk] |= 1 << (year - BASE_YEAR)
    out = {}
    for pk, region, founded, status, changed in enterprises:
        active = _active(founded, status, changed)
        if not active:
            continue
        members = active & member[pk]
        out[pk] = (region, (active, members, members & educated[pk], active & educated[pk], active & covered[pk],
                            active & own[pk], active & (covered[pk] | instructed[pk])))
    return out


def _stored(cursor, ids: list[int]) -> dict[int, tuple]:
    cursor.execute(f"SELECT enterprise_id, region_id, {', '.join(KEYS)} FROM reports_enterprisestate "
                   f"WHERE enterprise_id IN {_in(ids)}")
    return {row[0]: (row[1], tuple(row[2:])) for row in cursor.fetchall()}


def _changes(cursor, ids: list[int], deltas: Counter) -> list[tuple]:
    """Recompute `ids` (read only): add the difference from their stored state to `deltas` and
    return the changed ids with their new state rows, for `_store`."""
    new, old = _states(cursor, ids), _stored(cursor, ids)
    changed = [pk for pk in ids if new.get(pk) != old.get(pk)]
    for pk in changed:
        for state, sign in ((old.get(pk), -1), (new.get(pk), 1)):
            if state:
                region, masks = state
                for key, mask in zip(KEYS, masks, strict=True):
                    if mask:
                        deltas[region, key, mask] += sign
    return [(pk, new.get(pk)) for pk in changed]


def _store(cursor, changed: list[tuple]) -> None:
    if not changed:
        return
    cursor.execute(f"DELETE FROM reports_enterprisestate WHERE enterprise_id IN {_in(pk for pk, _ in changed)}")
    rows = [(pk, state[0], *state[1]) for pk, state in changed if state]
    if rows:
        cursor.executemany(f"INSERT INTO reports_enterprisestate (enterprise_id, region_id, {', '.join(KEYS)}) "
                           f"VALUES ({', '.join(['%s'] * (2 + len(KEYS)))})", rows)


def _sums(deltas: Counter) -> dict[tuple[int, int], list[int]]:
    """(region, key, year mask) → n, spread into (region, year) → counts in KEYS order."""
    sums: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0] * len(KEYS))
    for (region, key, mask), n in deltas.items():
        if not n:
            continue
        index, year = KEYS.index(key), BASE_YEAR
        while mask:
            if mask & 1:
                sums[region, year][index] += n
            mask >>= 1
            year += 1
    return sums


def _write(cursor, deltas: Counter) -> None:
    """Add the deltas to StreetYear, one upsert per (region, year)."""
    rows = [(region, year, *values) for (region, year), values in _sums(deltas).items() if any(values)]
    if rows:
        columns = ", ".join(KEYS)
        updates = ", ".join(f"{k} = reports_streetyear.{k} + excluded.{k}" for k in KEYS)
        cursor.executemany(
            f"INSERT INTO reports_streetyear (region_id, year, {columns}) "
            f"VALUES ({', '.join(['%s'] * (2 + len(KEYS)))}) "
            f"ON CONFLICT (region_id, year) DO UPDATE SET {updates}", rows)


def _process(cursor, ids) -> int:
    deltas: Counter = Counter()
    ids = sorted(ids)
    for i in range(0, len(ids), CHUNK):
        _store(cursor, _changes(cursor, ids[i:i + CHUNK], deltas))
    _write(cursor, deltas)
    return len(ids)


def _lock(cursor, connection) -> None:
    if connection.vendor == "postgresql":
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


@dataclass
class Pending:
    """Differences not stored yet, (region, key, year mask) → n: see `settle()`."""

    deltas: Counter

    def year(self, year: int) -> dict[int, dict[str, int]]:
        """Region id → {key: difference} for one year."""
        out: dict[int, dict[str, int]] = {}
        for (region, y), values in _sums(self.deltas).items():
            if y == year:
                out[region] = dict(zip(KEYS, values, strict=True))
        return out


def _seen(cursor) -> int:
    cursor.execute("SELECT enterprises_seen FROM reports_dataversion WHERE id = 1")
    row = cursor.fetchone()
    return row[0] if row else 0


def _work(cursor, limit: int | None) -> tuple[list[int], list[int], int | None]:
    """The ids of the oldest marks, their enterprises plus the enterprises not counted yet (at most
    `limit` of each), and the newest of the latter."""
    bound = f" LIMIT {int(limit)}" if limit else ""
    cursor.execute(f"SELECT id, enterprise_id FROM reports_enterprisemark ORDER BY id{bound}")
    marks = cursor.fetchall()
    cursor.execute(f"SELECT id FROM directory_enterprise WHERE id > %s ORDER BY id{bound}", [_seen(cursor)])
    new = [pk for (pk,) in cursor.fetchall()]
    return [pk for pk, _ in marks], sorted({e for _, e in marks} | set(new)), (new[-1] if new else None)


def _counted_up_to(cursor, seen: int) -> None:
    """Record the highest enterprise id counted, and bump the version the dashboard cache is keyed by."""
    cursor.execute("INSERT INTO reports_dataversion (id, version, enterprises_seen) VALUES (1, 1, %s) "
                   "ON CONFLICT (id) DO UPDATE SET version = reports_dataversion.version + 1, "
                   "enterprises_seen = excluded.enterprises_seen", [seen])


def _idle(connection) -> bool:
    """Nothing to do (three indexed look-ups): most calls stop here."""
    with connection.cursor() as cursor:
        seen = _seen(cursor)
        cursor.execute("SELECT max(id) FROM directory_enterprise")
        top = cursor.fetchone()[0] or 0
        # By the index, not a scan: on PostgreSQL deleted marks stay in the heap until vacuumed.
        cursor.execute("SELECT id FROM reports_enterprisemark ORDER BY id LIMIT 1")
        return top <= seen and cursor.fetchone() is None


def _count_fresh(connection, seen: int, marked: set[int]) -> int | None:
    """Store the states of the enterprises above `seen` that nothing has marked, straight from their
    own columns; returns the newest id read. Such an enterprise has no memberships, coverage,
    instructors or education (each of those writes marks it, counters.py), so its state needs none of
    `_states`' probes: one range scan and one insert, which is what keeps an import's count cheap."""
    deltas: Counter = Counter()
    newest = None
    zeros = (0,) * (len(KEYS) - 1)
    insert = (f"INSERT INTO reports_enterprisestate (enterprise_id, region_id, {', '.join(KEYS)}) "
              f"VALUES ({', '.join(['%s'] * (2 + len(KEYS)))})")
    with connection.cursor() as read, connection.cursor() as write:
        read.execute("SELECT id, region_id, founded, status, status_changed FROM directory_enterprise "
                     "WHERE id > %s ORDER BY id", [seen])
        while chunk := read.fetchmany(CHUNK):
            rows = []
            for pk, region, founded, status, changed in chunk:
                if pk in marked:
                    continue  # counted by the full path
                active = _active(founded, status, changed)
                if active:
                    rows.append((pk, region, active, *zeros))
                    deltas[region, "active", active] += 1
            newest = chunk[-1][0]
            if rows:
                write.executemany(insert, rows)
        _write(write, deltas)
    return newest


def count_now(connection=default_connection) -> None:
    """Store every change marked so far and every new enterprise, in the caller's transaction (an
    import's, just before it commits): the import's rows are counted as they land, and the first
    reader after it finds nothing to do. Unlike `settle()` it neither batches nor gives way to
    other writers: the import holds the write lock already."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        _lock(cursor, connection)
        seen = _seen(cursor)
        cursor.execute("SELECT id, enterprise_id FROM reports_enterprisemark ORDER BY id")
        marks = cursor.fetchall()
        marked = {e for _, e in marks}
        cursor.execute("SELECT 1 FROM reports_enterprisestate WHERE enterprise_id > %s LIMIT 1", [seen])
        if cursor.fetchone() is None:
            newest = _count_fresh(connection, seen, marked)
        else:  # a state above the last id counted (not expected): let the full path replace it
            cursor.execute("SELECT id FROM directory_enterprise WHERE id > %s", [seen])
            marked |= {pk for (pk,) in cursor.fetchall()}
            newest = max(marked, default=None)
        _process(cursor, marked)
        read = [pk for pk, _ in marks]
        for i in range(0, len(read), CHUNK):  # exactly the marks read, as settle() does
            cursor.execute(f"DELETE FROM reports_enterprisemark WHERE id IN {_in(read[i:i + CHUNK])}")
        _counted_up_to(cursor, max(newest or 0, seen))


def count_written_import(**_signal) -> None:
    """Receives imports' import_written, inside the import's transaction: count its rows now. A failure
    rolls back only this savepoint and is logged; the next reader's settle() counts them instead."""
    try:
        count_now()
    except DatabaseError:
        log.exception("counting an import for the dashboard failed; the next read will count it")


def count_committed_import(**_signal) -> None:
    """Receives imports' import_committed: count the imported rows now, in the import's background thread,
    rather than in the next dashboard request (a million new enterprises take a while). The dashboard
    would do it anyway, so a failure is logged, not the import's."""
    try:
        settle()
    except Exception:  # noqa: BLE001 - see above
        log.exception("counting an import for the dashboard failed")


def settle(connection=default_connection) -> Pending | None:
    """Store every change marked so far in StreetYear; every read calls it first.

    Works in transactions of at most BATCH marked and BATCH new enterprises, so that a writer
    never waits long behind it (a million-row import is counted in about fifty steps).
    Returns None when everything is stored. When SQLite's write lock is held by another writer
    (a long import), it writes nothing and returns the differences still to store, computed
    read-only, for the reader to add: a page is never refused or left waiting for an import.
    """
    while not _idle(connection):
        try:
            with no_wait(connection), transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                _lock(cursor, connection)
                marks, ids, newest = _work(cursor, BATCH)
                _process(cursor, ids)
                # Exactly the marks read: one written meanwhile by another transaction stays for next time.
                if marks:
                    cursor.execute(f"DELETE FROM reports_enterprisemark WHERE id IN {_in(marks)}")
                _counted_up_to(cursor, max(newest or 0, _seen(cursor)))
        except DatabaseError as e:
            # SQLite busy, or a database that cannot be written just now (full disk, read-only):
            # the page is still served, from the differences computed read-only.
            busy = connection.vendor == "sqlite" and isinstance(e, OperationalError)
            if connection.in_atomic_block or not (busy or write_fault(e)):
                raise
            with connection.cursor() as cursor:
                deltas: Counter = Counter()
                _, ids, _ = _work(cursor, None)
                for i in range(0, len(ids), CHUNK):
                    _changes(cursor, ids[i:i + CHUNK], deltas)
            return Pending(deltas)
    return None


def rebuild(connection=default_connection) -> int:
    """Recompute every enterprise's state and every StreetYear row from the records."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        _lock(cursor, connection)
        # TRUNCATE on PostgreSQL leaves no dead rows behind for the next reads to step over.
        empty = "TRUNCATE" if connection.vendor == "postgresql" else "DELETE FROM"
        for table in ("reports_enterprisemark", "reports_enterprisestate", "reports_streetyear"):
            cursor.execute(f"{empty} {table}")
        cursor.execute("SELECT id FROM directory_enterprise")
        ids = [pk for (pk,) in cursor.fetchall()]
        done = _process(cursor, ids)
        _counted_up_to(cursor, max(ids, default=0))
    return done


def stored(connection=default_connection) -> set[tuple]:
    """The non-zero StreetYear rows as (region, year, *counts in KEYS order)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT region_id, year, {', '.join(KEYS)} FROM reports_streetyear")
        return {tuple(r) for r in cursor.fetchall() if any(r[2:])}


def recount(connection=default_connection) -> set[tuple]:
    """StreetYear as it should be, from the records (without touching the stored tables)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM directory_enterprise")
        ids = sorted(pk for (pk,) in cursor.fetchall())
        deltas: Counter = Counter()
        for i in range(0, len(ids), CHUNK):
            for region, masks in _states(cursor, ids[i:i + CHUNK]).values():
                for key, mask in zip(KEYS, masks, strict=True):
                    if mask:
                        deltas[region, key, mask] += 1
    return {(region, year, *values) for (region, year), values in _sums(deltas).items() if any(values)}
