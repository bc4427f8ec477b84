"""Where an import's files wait: DATA_DIR/imports/, never served, private to this account."""

import os
from pathlib import Path

from django.conf import settings


def storage_dir() -> Path:
    path = Path(settings.DATA_DIR) / "imports"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)  # mkdir's mode is cut by the umask, and an existing folder keeps its own
    return path


def private_file(path: Path) -> Path:
    """Create `path` empty, readable by this account only, before anything is written to it."""
    path.unlink(missing_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    os.chmod(path, 0o600)  # the umask may only remove bits; say so anyway
    return path
