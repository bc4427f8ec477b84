"""Django's flush, able to empty the append-only audit tables.

Flushing wipes every table (the test runner does it after each transactional test). On
PostgreSQL that is TRUNCATE, which row triggers do not see; on SQLite it is DELETE, which
the audit triggers refuse, so they are lifted for the flush and put back after it.
"""

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections

from shanghui.audit import triggers


class Command(FlushCommand):
    def handle(self, **options):
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        if connection.vendor != "sqlite" or not triggers.installed(connection):
            return super().handle(**options)
        with triggers.suspended(connection):
            return super().handle(**options)
