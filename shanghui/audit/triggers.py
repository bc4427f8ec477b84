"""Database triggers that keep the audit tables append-only below the application.

The model already refuses save() of an old row and delete(); these triggers refuse the
same through raw SQL, for PostgreSQL and SQLite:

- an UPDATE of an event, except setting `actor_id` to NULL (what deleting a user does;
  `actor_id` is outside the hashed content, `actor_name` keeps who it was);
- a DELETE of an event above the purge floor, or younger than the retention minimum
  (`audit_purge` moves the floor first, and only past old rows);
- a chain head that moves backwards, or is deleted; a floor moved to anything but an
  existing event, with its hash, older than the retention minimum.

So someone with only INSERT/UPDATE/DELETE rights cannot delete young events, however
the floor is set. The minimum is MIN_RETENTION_DAYS (180): the configured retention may
be longer, which the purge command enforces.

On SQLite a later migration that rebuilds the table drops its triggers: the test
`test_append_only_triggers_are_installed` catches that. Whoever owns the tables can still
drop the triggers: the hash chain and the external checkpoints (checkpoint.py) detect
what follows.
"""

from contextlib import contextmanager

MIN_RETENTION_DAYS = 180  # the same floor as chain.MIN_RETENTION_DAYS (which imports this one)

MESSAGE = "audit events are append-only (审计事件只能追加，不能修改或删除)"
HEAD_MESSAGE = "the audit chain head only moves forward (审计哈希链头只能前移)"
FLOOR_MESSAGE = ("the purge floor only moves past events older than the retention period "
                 "(清理起点只能移过保留期以外的记录)")

_EVENT_COLUMNS = ("id", "at", "actor_name", "action", "object_type", "object_id", "object_repr", "fields",
                  "extra", "source_address", "success", "seq", "prev_hash", "hash")

# Django keeps SQLite datetimes as UTC text 'YYYY-MM-DD HH:MM:SS[.ffffff]': compared as text.
_SQLITE_OLD = f"strftime('%Y-%m-%d %H:%M:%f', 'now', '-{MIN_RETENTION_DAYS} days')"
_PG_OLD = f"now() - interval '{MIN_RETENTION_DAYS} days'"

SQLITE_TRIGGERS = {
    "audit_event_no_update": f"""
        CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_auditevent
        WHEN NEW.actor_id IS NOT NULL OR {" OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in _EVENT_COLUMNS)}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    "audit_event_no_delete": f"""
        CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_auditevent
        WHEN OLD.seq > coalesce((SELECT floor_seq FROM audit_auditchainhead WHERE id = 1), 0)
          OR OLD.at >= {_SQLITE_OLD}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    "audit_head_forward": f"""
        CREATE TRIGGER IF NOT EXISTS audit_head_forward BEFORE UPDATE ON audit_auditchainhead
        WHEN NEW.id IS NOT OLD.id OR NEW.seq < OLD.seq OR (NEW.seq = OLD.seq AND NEW.hash IS NOT OLD.hash)
          OR NEW.floor_seq < OLD.floor_seq OR NEW.floor_seq > NEW.seq
        BEGIN SELECT RAISE(ABORT, '{HEAD_MESSAGE}'); END""",
    "audit_head_floor": f"""
        CREATE TRIGGER IF NOT EXISTS audit_head_floor BEFORE UPDATE ON audit_auditchainhead
        WHEN (NEW.floor_seq IS NOT OLD.floor_seq OR NEW.floor_hash IS NOT OLD.floor_hash)
          AND NOT EXISTS (SELECT 1 FROM audit_auditevent WHERE seq = NEW.floor_seq AND hash = NEW.floor_hash
                          AND at < {_SQLITE_OLD})
        BEGIN SELECT RAISE(ABORT, '{FLOOR_MESSAGE}'); END""",
    "audit_head_no_delete": f"""
        CREATE TRIGGER IF NOT EXISTS audit_head_no_delete BEFORE DELETE ON audit_auditchainhead
        BEGIN SELECT RAISE(ABORT, '{HEAD_MESSAGE}'); END""",
}

POSTGRES_INSTALL = f"""
CREATE OR REPLACE FUNCTION audit_event_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF NEW.actor_id IS NULL AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
      RETURN NEW;
    END IF;
  ELSIF OLD.seq <= coalesce((SELECT floor_seq FROM audit_auditchainhead WHERE id = 1), 0)
        AND OLD.at < {_PG_OLD} THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION '{MESSAGE}';
END $$;
DROP TRIGGER IF EXISTS audit_event_guard ON audit_auditevent;
CREATE TRIGGER audit_event_guard BEFORE UPDATE OR DELETE ON audit_auditevent
  FOR EACH ROW EXECUTE FUNCTION audit_event_guard();

CREATE OR REPLACE FUNCTION audit_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.floor_seq >= OLD.floor_seq AND NEW.floor_seq <= NEW.seq
     AND (NEW.seq > OLD.seq OR (NEW.seq = OLD.seq AND NEW.hash = OLD.hash)) THEN
    IF (NEW.floor_seq = OLD.floor_seq AND NEW.floor_hash = OLD.floor_hash) OR EXISTS (
        SELECT 1 FROM audit_auditevent WHERE seq = NEW.floor_seq AND hash = NEW.floor_hash
          AND at < {_PG_OLD}) THEN
      RETURN NEW;
    END IF;
    RAISE EXCEPTION '{FLOOR_MESSAGE}';
  END IF;
  RAISE EXCEPTION '{HEAD_MESSAGE}';
END $$;
DROP TRIGGER IF EXISTS audit_head_guard ON audit_auditchainhead;
CREATE TRIGGER audit_head_guard BEFORE UPDATE OR DELETE ON audit_auditchainhead
  FOR EACH ROW EXECUTE FUNCTION audit_head_guard();
"""

POSTGRES_UNINSTALL = """
DROP TRIGGER IF EXISTS audit_event_guard ON audit_auditevent;
DROP TRIGGER IF EXISTS audit_head_guard ON audit_auditchainhead;
DROP FUNCTION IF EXISTS audit_event_guard();
DROP FUNCTION IF EXISTS audit_head_guard();
"""


def install(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name, sql in SQLITE_TRIGGERS.items():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")  # replace an older definition
                cursor.execute(sql)
        elif connection.vendor == "postgresql":
            cursor.execute(POSTGRES_INSTALL)


def uninstall(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        elif connection.vendor == "postgresql":
            cursor.execute(POSTGRES_UNINSTALL)


def installed(connection) -> set[str]:
    """The names of the guard triggers present on the audit tables."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name LIKE 'audit_%'")
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal "
                           "AND tgrelid::regclass::text LIKE 'audit_%'")
        else:
            return set()
        return {row[0] for row in cursor.fetchall()}


def expected(connection) -> set[str]:
    if connection.vendor == "sqlite":
        return set(SQLITE_TRIGGERS)
    if connection.vendor == "postgresql":
        return {"audit_event_guard", "audit_head_guard"}
    return set()


@contextmanager
def suspended(connection):
    """Lift the triggers for a block: what the test-database flush (and an attacker with DDL rights) does."""
    uninstall(connection)
    try:
        yield
    finally:
        install(connection)
