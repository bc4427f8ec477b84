from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shanghui.core"
    verbose_name = "基础"

    def ready(self):
        from django.db import connections
        from django.db.backends.signals import connection_created

        from . import (
            checks,  # noqa: F401 (registers the start-up checks)
            files,
            lookups,
            redact,
            sqlite_files,
        )

        files.make_data_dirs()
        lookups.register()
        redact.install_log_filter()
        for alias in connections:
            sqlite_files.precreate(connections.settings[alias])
        connection_created.connect(sqlite_files.on_connect, dispatch_uid="shanghui.core.sqlite_files")
