from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shanghui.core"
    verbose_name = "基础"

    def ready(self):
        from django.db import connections
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_delete, post_save

        from . import (
            checks,  # noqa: F401 (registers the start-up checks)
            config,
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
        # A saved setting takes effect at once in this process (others within config.CACHE_SECONDS).
        for signal in (post_save, post_delete):
            signal.connect(config.clear_cache, sender="core.Setting", dispatch_uid=f"shanghui.core.config.{signal}")
