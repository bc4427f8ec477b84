"""The SQLite database file and its -wal and -shm companions are the owner's alone (0600).

SQLite creates the -wal and -shm files with the mode of the database file, so creating
the database file 0600 before SQLite first opens it settles all three; a database made
earlier under a looser umask is tightened at the next connection.
"""

import os
from pathlib import Path

from .files import FILE_MODE, private_dir

COMPANIONS = ("", "-wal", "-shm", "-journal")


def _path(settings_dict: dict) -> Path | None:
    if settings_dict.get("ENGINE") != "django.db.backends.sqlite3":
        return None
    name = str(settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        return None
    return Path(name)


def precreate(settings_dict: dict) -> None:
    path = _path(settings_dict)
    if path is None or path.exists():
        return
    private_dir(path.parent)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE))  # an empty file is an empty database


def on_connect(sender, connection, **kwargs) -> None:
    path = _path(connection.settings_dict)
    if path is None:
        return
    for suffix in COMPANIONS:
        companion = path.with_name(path.name + suffix)
        try:
            if companion.stat().st_mode & 0o077:
                companion.chmod(FILE_MODE)
        except OSError:  # absent (no WAL yet), or not ours
            pass
