"""Database triggers that keep the dashboard's counters (models.py) in step with the records.

Why triggers, not signals or service code: attendance is written by the services, the QR
sign-in, the attendance import, the demo generator's bulk_create and raw SQL; a trigger counts
all of them and cannot be forgotten by the next bulk path someone writes.

- attendance INSERT / DELETE / UPDATE: add or take away the row's contribution to
  `reports_enterpriseyear` (education/training per enterprise and year) and
  `reports_attendancetally` (per street, year and kind), if its activity is held;
- activity UPDATE changing kind, start or status: move all of its attendances' contributions
  from the old (kind, year, held) to the new one;
- any write to a table the cached dashboard figures read: bump `reports_dataversion`;
- any write that may change an enterprise's street-year figures (its dates, status or street,
  its memberships, party coverage and instructors, an organisation's form, its education
  attendance in a year crossing zero): an `EnterpriseMark` row for streetyears.settle(). On
  SQLite an enterprise INSERT needs neither (settle finds new ids and bumps the version).

An activity's deletion needs nothing: Django deletes its attendances first (their triggers
count them out), then the activity.

SQLite has row triggers only. PostgreSQL gets statement triggers with transition tables, so a
bulk insert of a million rows costs one grouped upsert, not a million.

On SQLite a later migration that rebuilds one of these tables drops its triggers: the test
`test_counter_triggers_are_installed` catches that; `install()` is idempotent, re-run it then.
"""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.db import connection as default_connection
from django.db import transaction

ATTENDANCE = "activities_attendance"
ACTIVITY = "activities_activity"
ENTERPRISE = "directory_enterprise"
ENTERPRISE_YEAR = "reports_enterpriseyear"
# The enterprise's own columns its street-year figures depend on (streetyears.py).
ENTERPRISE_COLUMNS = ("founded", "status", "status_changed", "region_id")
# Tables whose rows name an enterprise and change its street-year figures.
MARKED_BY_ENTERPRISE = ("directory_membership", "party_partycoverage", "party_instructorassignment")
COUNTED = ("education", "training")  # the kinds with a per-enterprise counter
CANCELLED = "cancelled"
# Every table whose rows change a cached dashboard figure (party and activities KPIs).
VERSIONED = (ENTERPRISE, "directory_membership", "orgs_region", "orgs_chamber",
             "party_partyorganization", "party_partycoverage", "party_instructorassignment",
             "activities_activityseries", ACTIVITY, ATTENDANCE)


def _utc_offset_hours() -> int:
    # The activity's year is its local year (activities/kpis.py). Asia/Shanghai's new year has
    # always been at UTC+8 (its 1986-91 summer time never touched January), so a fixed offset is exact.
    offset = dt.datetime(2000, 1, 1, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE)).utcoffset()
    return int(offset.total_seconds() // 3600)


# --- SQLite ------------------------------------------------------------------------------


def _sqlite_year(column: str) -> str:
    return f"CAST(strftime('%Y', {column}, '{_utc_offset_hours():+d} hours') AS INTEGER)"


_BUMP_SQLITE = ("INSERT INTO reports_dataversion (id, version) VALUES (1, 1) "
                "ON CONFLICT (id) DO UPDATE SET version = version + 1;")


def _sqlite_attendance_part(row: str, sign: str) -> str:
    """The statements adding (sign '+') or removing ('-') one attendance row's contribution."""
    year = _sqlite_year("a.start")
    return f"""
      INSERT INTO reports_attendancetally (region_id, year, kind, attendances)
        SELECT {row}.region_id, {year}, a.kind, {sign}1 FROM activities_activity a
        WHERE a.id = {row}.activity_id AND a.status <> '{CANCELLED}'
        ON CONFLICT (region_id, year, kind) DO UPDATE SET attendances = attendances + excluded.attendances;
      INSERT INTO reports_enterpriseyear (enterprise_id, year, education, training)
        SELECT {row}.enterprise_id, {year}, {sign}(a.kind = 'education'), {sign}(a.kind = 'training')
        FROM activities_activity a
        WHERE a.id = {row}.activity_id AND a.status <> '{CANCELLED}' AND {row}.enterprise_id IS NOT NULL
          AND a.kind IN {COUNTED}
        ON CONFLICT (enterprise_id, year) DO UPDATE
          SET education = education + excluded.education, training = training + excluded.training;"""


def _sqlite_activity_part(row: str, sign: str) -> str:
    """Move every attendance of the activity `row` (OLD or NEW) out of (-) or into (+) the counters."""
    year = _sqlite_year(f"{row}.start")
    return f"""
      INSERT INTO reports_attendancetally (region_id, year, kind, attendances)
        SELECT t.region_id, {year}, {row}.kind, {sign}count(*) FROM activities_attendance t
        WHERE t.activity_id = {row}.id AND {row}.status <> '{CANCELLED}' GROUP BY t.region_id
        ON CONFLICT (region_id, year, kind) DO UPDATE SET attendances = attendances + excluded.attendances;
      INSERT INTO reports_enterpriseyear (enterprise_id, year, education, training)
        SELECT t.enterprise_id, {year}, {sign}count(*) * ({row}.kind = 'education'),
               {sign}count(*) * ({row}.kind = 'training')
        FROM activities_attendance t
        WHERE t.activity_id = {row}.id AND t.enterprise_id IS NOT NULL AND {row}.status <> '{CANCELLED}'
          AND {row}.kind IN {COUNTED}
        GROUP BY t.enterprise_id
        ON CONFLICT (enterprise_id, year) DO UPDATE
          SET education = education + excluded.education, training = training + excluded.training;"""


def _sqlite_triggers() -> dict[str, str]:
    triggers = {
        "reports_attendance_insert": f"""
            CREATE TRIGGER IF NOT EXISTS reports_attendance_insert AFTER INSERT ON {ATTENDANCE}
            BEGIN {_sqlite_attendance_part("NEW", "+")} END""",
        "reports_attendance_delete": f"""
            CREATE TRIGGER IF NOT EXISTS reports_attendance_delete AFTER DELETE ON {ATTENDANCE}
            BEGIN {_sqlite_attendance_part("OLD", "-")} END""",
        "reports_attendance_update": f"""
            CREATE TRIGGER IF NOT EXISTS reports_attendance_update
            AFTER UPDATE OF activity_id, enterprise_id, region_id ON {ATTENDANCE}
            WHEN OLD.activity_id IS NOT NEW.activity_id OR OLD.enterprise_id IS NOT NEW.enterprise_id
              OR OLD.region_id IS NOT NEW.region_id
            BEGIN {_sqlite_attendance_part("OLD", "-")} {_sqlite_attendance_part("NEW", "+")} END""",
        "reports_activity_update": f"""
            CREATE TRIGGER IF NOT EXISTS reports_activity_update AFTER UPDATE OF kind, start, status ON {ACTIVITY}
            WHEN OLD.kind IS NOT NEW.kind OR OLD.start IS NOT NEW.start OR OLD.status IS NOT NEW.status
            BEGIN {_sqlite_activity_part("OLD", "-")} {_sqlite_activity_part("NEW", "+")} END""",
    }
    for table in VERSIONED:
        for op in ("INSERT", "UPDATE", "DELETE"):
            if (table, op) == (ENTERPRISE, "INSERT"):
                continue  # streetyears.settle() finds new enterprises by id and bumps the version itself
            name = f"reports_version_{table}_{op.lower()}"
            triggers[name] = (f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {op} ON {table} "
                              f"BEGIN {_BUMP_SQLITE} END")
    return {**triggers, **_sqlite_mark_triggers()}


_MARK = "INSERT INTO reports_enterprisemark (enterprise_id)"


def _sqlite_mark_triggers() -> dict[str, str]:
    """Mark the enterprises whose street-year figures a write may change (streetyears.py)."""
    def trigger(name: str, event: str, table: str, body: str, when: str = "") -> tuple[str, str]:
        name = f"reports_mark_{name}"
        return name, (f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {event} ON {table} "
                      f"{'WHEN ' + when if when else ''} BEGIN {body} END")

    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in ENTERPRISE_COLUMNS)
    rows = [
        trigger("enterprise_update", f"UPDATE OF {', '.join(ENTERPRISE_COLUMNS)}", ENTERPRISE,
                f"{_MARK} VALUES (NEW.id);", changed),
        trigger("enterprise_delete", "DELETE", ENTERPRISE, f"{_MARK} VALUES (OLD.id);"),
        trigger("organization_form", "UPDATE OF form", "party_partyorganization",
                f"{_MARK} SELECT enterprise_id FROM party_partycoverage WHERE organization_id = NEW.id;",
                "OLD.form IS NOT NEW.form"),
        trigger("enterpriseyear_insert", "INSERT", ENTERPRISE_YEAR, f"{_MARK} VALUES (NEW.enterprise_id);",
                "NEW.education > 0"),
        trigger("enterpriseyear_update", "UPDATE", ENTERPRISE_YEAR,
                f"{_MARK} VALUES (OLD.enterprise_id); {_MARK} VALUES (NEW.enterprise_id);",
                "(OLD.education > 0) IS NOT (NEW.education > 0) OR OLD.enterprise_id IS NOT NEW.enterprise_id "
                "OR OLD.year IS NOT NEW.year"),
        trigger("enterpriseyear_delete", "DELETE", ENTERPRISE_YEAR, f"{_MARK} VALUES (OLD.enterprise_id);",
                "OLD.education > 0"),
    ]
    for table in MARKED_BY_ENTERPRISE:
        short = table.split("_", 1)[1]
        rows += [
            trigger(f"{short}_insert", "INSERT", table, f"{_MARK} VALUES (NEW.enterprise_id);",
                    "NEW.enterprise_id IS NOT NULL"),
            trigger(f"{short}_delete", "DELETE", table, f"{_MARK} VALUES (OLD.enterprise_id);",
                    "OLD.enterprise_id IS NOT NULL"),
            trigger(f"{short}_update", "UPDATE", table,
                    f"{_MARK} SELECT OLD.enterprise_id WHERE OLD.enterprise_id IS NOT NULL; "
                    f"{_MARK} SELECT NEW.enterprise_id WHERE NEW.enterprise_id IS NOT NULL;"),
        ]
    return dict(rows)


# --- PostgreSQL ----------------------------------------------------------------------------


def _pg_year(column: str) -> str:
    return f"EXTRACT(YEAR FROM {column} AT TIME ZONE '{settings.TIME_ZONE}')::int"


def _pg_attendance_part(rows: str, sign: str) -> str:
    year = _pg_year("a.start")
    return f"""
  INSERT INTO reports_attendancetally AS c (region_id, year, kind, attendances)
    SELECT r.region_id, {year}, a.kind, {sign}count(*) FROM {rows} r JOIN activities_activity a ON a.id = r.activity_id
    WHERE a.status <> '{CANCELLED}' GROUP BY 1, 2, 3
    ON CONFLICT (region_id, year, kind) DO UPDATE SET attendances = c.attendances + EXCLUDED.attendances;
  INSERT INTO reports_enterpriseyear AS c (enterprise_id, year, education, training)
    SELECT r.enterprise_id, {year}, {sign}count(*) FILTER (WHERE a.kind = 'education'),
           {sign}count(*) FILTER (WHERE a.kind = 'training')
    FROM {rows} r JOIN activities_activity a ON a.id = r.activity_id
    WHERE a.status <> '{CANCELLED}' AND r.enterprise_id IS NOT NULL AND a.kind IN {COUNTED} GROUP BY 1, 2
    ON CONFLICT (enterprise_id, year) DO UPDATE
      SET education = c.education + EXCLUDED.education, training = c.training + EXCLUDED.training;"""


def _pg_activity_part(side: str, sign: str) -> str:
    """Attendances of the activities whose kind/start/status changed, counted with the `side` (o/n) values."""
    year = _pg_year(f"{side}.start")
    changed = ("FROM old_rows o JOIN new_rows n ON n.id = o.id "
               "AND (o.kind, o.start, o.status) IS DISTINCT FROM (n.kind, n.start, n.status) "
               "JOIN activities_attendance t ON t.activity_id = n.id")
    return f"""
  INSERT INTO reports_attendancetally AS c (region_id, year, kind, attendances)
    SELECT t.region_id, {year}, {side}.kind, {sign}count(*) {changed}
    WHERE {side}.status <> '{CANCELLED}' GROUP BY 1, 2, 3
    ON CONFLICT (region_id, year, kind) DO UPDATE SET attendances = c.attendances + EXCLUDED.attendances;
  INSERT INTO reports_enterpriseyear AS c (enterprise_id, year, education, training)
    SELECT t.enterprise_id, {year}, {sign}count(*) FILTER (WHERE {side}.kind = 'education'),
           {sign}count(*) FILTER (WHERE {side}.kind = 'training') {changed}
    WHERE {side}.status <> '{CANCELLED}' AND t.enterprise_id IS NOT NULL AND {side}.kind IN {COUNTED} GROUP BY 1, 2
    ON CONFLICT (enterprise_id, year) DO UPDATE
      SET education = c.education + EXCLUDED.education, training = c.training + EXCLUDED.training;"""


def _pg_function(name: str, body: str) -> str:
    return (f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            f"BEGIN\n{body}\n  RETURN NULL;\nEND $$;\n")


def _pg_trigger(name: str, event: str, table: str, function: str, referencing: str = "") -> str:
    return (f"DROP TRIGGER IF EXISTS {name} ON {table};\n"
            f"CREATE TRIGGER {name} AFTER {event} ON {table} {referencing} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}();\n")


def _pg_marks() -> list[tuple[str, str, str, str]]:
    """(trigger name, event, table, marking statement) for streetyears.py, one per statement trigger."""
    mark = "INSERT INTO reports_enterprisemark (enterprise_id)"
    old_cols = ", ".join(f"o.{c}" for c in ENTERPRISE_COLUMNS)
    new_cols = ", ".join(f"n.{c}" for c in ENTERPRISE_COLUMNS)
    rows = [
        ("enterprise_insert", "INSERT", ENTERPRISE, f"{mark} SELECT id FROM new_rows;"),
        ("enterprise_update", "UPDATE", ENTERPRISE,
         f"{mark} SELECT n.id FROM old_rows o JOIN new_rows n ON n.id = o.id "
         f"WHERE ({old_cols}) IS DISTINCT FROM ({new_cols});"),
        ("enterprise_delete", "DELETE", ENTERPRISE, f"{mark} SELECT id FROM old_rows;"),
        ("organization_form", "UPDATE", "party_partyorganization",
         f"{mark} SELECT c.enterprise_id FROM old_rows o JOIN new_rows n ON n.id = o.id AND o.form IS DISTINCT "
         f"FROM n.form JOIN party_partycoverage c ON c.organization_id = n.id;"),
        ("enterpriseyear_insert", "INSERT", ENTERPRISE_YEAR,
         f"{mark} SELECT enterprise_id FROM new_rows WHERE education > 0;"),
        ("enterpriseyear_update", "UPDATE", ENTERPRISE_YEAR,
         f"{mark} SELECT n.enterprise_id FROM old_rows o JOIN new_rows n ON n.id = o.id "
         f"WHERE (o.education > 0) <> (n.education > 0) OR (o.enterprise_id, o.year) <> (n.enterprise_id, n.year) "
         f"UNION SELECT o.enterprise_id FROM old_rows o JOIN new_rows n ON n.id = o.id "
         f"WHERE (o.enterprise_id, o.year) <> (n.enterprise_id, n.year);"),
        ("enterpriseyear_delete", "DELETE", ENTERPRISE_YEAR,
         f"{mark} SELECT enterprise_id FROM old_rows WHERE education > 0;"),
    ]
    for table in MARKED_BY_ENTERPRISE:
        short = table.split("_", 1)[1]
        rows += [
            (f"{short}_insert", "INSERT", table,
             f"{mark} SELECT enterprise_id FROM new_rows WHERE enterprise_id IS NOT NULL;"),
            (f"{short}_delete", "DELETE", table,
             f"{mark} SELECT enterprise_id FROM old_rows WHERE enterprise_id IS NOT NULL;"),
            (f"{short}_update", "UPDATE", table,
             f"{mark} SELECT enterprise_id FROM old_rows WHERE enterprise_id IS NOT NULL "
             f"UNION SELECT enterprise_id FROM new_rows WHERE enterprise_id IS NOT NULL;"),
        ]
    return [(f"reports_mark_{name}", event, table, body) for name, event, table, body in rows]


_TRANSITION = {"INSERT": "REFERENCING NEW TABLE AS new_rows", "DELETE": "REFERENCING OLD TABLE AS old_rows",
               "UPDATE": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"}

PG_FUNCTIONS = ("reports_attendance_inserted", "reports_attendance_deleted", "reports_attendance_updated",
                "reports_activity_updated", "reports_bump_version", *(name for name, *_ in _pg_marks()))


def _pg_install() -> str:
    sql = [
        _pg_function("reports_attendance_inserted", _pg_attendance_part("new_rows", "+")),
        _pg_function("reports_attendance_deleted", _pg_attendance_part("old_rows", "-")),
        _pg_function("reports_attendance_updated",
                     _pg_attendance_part("old_rows", "-") + _pg_attendance_part("new_rows", "+")),
        _pg_function("reports_activity_updated", _pg_activity_part("o", "-") + _pg_activity_part("n", "+")),
        _pg_function("reports_bump_version", "  INSERT INTO reports_dataversion AS v (id, version) VALUES (1, 1)\n"
                     "    ON CONFLICT (id) DO UPDATE SET version = v.version + 1;"),
        _pg_trigger("reports_attendance_insert", "INSERT", ATTENDANCE, "reports_attendance_inserted",
                    "REFERENCING NEW TABLE AS new_rows"),
        _pg_trigger("reports_attendance_delete", "DELETE", ATTENDANCE, "reports_attendance_deleted",
                    "REFERENCING OLD TABLE AS old_rows"),
        _pg_trigger("reports_attendance_update", "UPDATE", ATTENDANCE, "reports_attendance_updated",
                    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"),
        _pg_trigger("reports_activity_update", "UPDATE", ACTIVITY, "reports_activity_updated",
                    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    ]
    for table in VERSIONED:
        # TRUNCATE too: the test-database flush empties tables that way.
        sql.append(_pg_trigger(f"reports_version_{table}", "INSERT OR UPDATE OR DELETE OR TRUNCATE", table,
                               "reports_bump_version"))
    for name, event, table, body in _pg_marks():
        sql.append(_pg_function(name, f"  {body}"))
        sql.append(_pg_trigger(name, event, table, name, _TRANSITION[event]))
    return "\n".join(sql)


def _pg_triggers() -> dict[str, str]:
    """Trigger name → its table."""
    return {"reports_attendance_insert": ATTENDANCE, "reports_attendance_delete": ATTENDANCE,
            "reports_attendance_update": ATTENDANCE, "reports_activity_update": ACTIVITY,
            **{f"reports_version_{t}": t for t in VERSIONED}, **{name: table for name, _, table, _ in _pg_marks()}}


# --- install, check, rebuild ------------------------------------------------------------------


def install(connection=default_connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for sql in _sqlite_triggers().values():
                cursor.execute(sql)
        elif connection.vendor == "postgresql":
            cursor.execute(_pg_install())


def uninstall(connection=default_connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in _sqlite_triggers():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        elif connection.vendor == "postgresql":
            for name, table in _pg_triggers().items():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            for fn in PG_FUNCTIONS:
                cursor.execute(f"DROP FUNCTION IF EXISTS {fn}()")


def installed(connection=default_connection) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'reports_%'")
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE 'reports_%'")
        else:
            return set()
        return {row[0] for row in cursor.fetchall()}


def expected(connection=default_connection) -> set[str]:
    if connection.vendor == "sqlite":
        return set(_sqlite_triggers())
    if connection.vendor == "postgresql":
        return set(_pg_triggers())
    return set()


def _recount_selects(connection) -> tuple[str, str]:
    """SELECTs giving the counters' rows from the records: (tally rows, enterprise-year rows)."""
    year = _sqlite_year("a.start") if connection.vendor == "sqlite" else _pg_year("a.start")
    tally = f"""
        SELECT t.region_id, {year}, a.kind, count(*) FROM activities_attendance t
        JOIN activities_activity a ON a.id = t.activity_id
        WHERE a.status <> '{CANCELLED}' GROUP BY 1, 2, 3"""
    per_enterprise = f"""
        SELECT t.enterprise_id, {year}, sum(CASE WHEN a.kind = 'education' THEN 1 ELSE 0 END),
               sum(CASE WHEN a.kind = 'training' THEN 1 ELSE 0 END)
        FROM activities_attendance t JOIN activities_activity a ON a.id = t.activity_id
        WHERE a.status <> '{CANCELLED}' AND t.enterprise_id IS NOT NULL AND a.kind IN {COUNTED} GROUP BY 1, 2"""
    return tally, per_enterprise


def recount(connection=default_connection) -> dict[str, set[tuple]]:
    """The counters as they should be, computed from the records (non-zero rows only)."""
    tally, per_enterprise = _recount_selects(connection)
    with connection.cursor() as cursor:
        cursor.execute(tally)
        tallies = {tuple(r) for r in cursor.fetchall()}
        cursor.execute(per_enterprise)
        enterprises = {tuple(r) for r in cursor.fetchall()}
    return {"tally": tallies, "enterprise_year": enterprises}


def stored(connection=default_connection) -> dict[str, set[tuple]]:
    """The counters as the triggers left them (non-zero rows only), in `recount()`'s shape."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT region_id, year, kind, attendances FROM reports_attendancetally WHERE attendances <> 0")
        tallies = {tuple(r) for r in cursor.fetchall()}
        cursor.execute("SELECT enterprise_id, year, education, training FROM reports_enterpriseyear "
                       "WHERE education <> 0 OR training <> 0")
        enterprises = {tuple(r) for r in cursor.fetchall()}
    return {"tally": tallies, "enterprise_year": enterprises}


def rebuild(connection=default_connection) -> dict[str, int]:
    """Recompute every counter from the records, in one transaction (`shanghui rebuild_counters`)."""
    tally, per_enterprise = _recount_selects(connection)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Writers wait rather than count into rows this transaction is replacing.
            cursor.execute(f"LOCK TABLE {ATTENDANCE}, {ACTIVITY} IN SHARE MODE")
        cursor.execute("DELETE FROM reports_attendancetally")
        cursor.execute(f"INSERT INTO reports_attendancetally (region_id, year, kind, attendances) {tally}")
        cursor.execute("DELETE FROM reports_enterpriseyear")
        cursor.execute(f"INSERT INTO reports_enterpriseyear (enterprise_id, year, education, training) "
                       f"{per_enterprise}")
        bump(connection)
        cursor.execute("SELECT count(*) FROM reports_attendancetally")
        tallies = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM reports_enterpriseyear")
        enterprises = cursor.fetchone()[0]
    return {"tally_rows": tallies, "enterprise_year_rows": enterprises}


def bump(connection=default_connection) -> None:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO reports_dataversion (id, version) VALUES (1, 1) "
                       "ON CONFLICT (id) DO UPDATE SET version = reports_dataversion.version + 1")


def version(connection=default_connection) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT version FROM reports_dataversion WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None
