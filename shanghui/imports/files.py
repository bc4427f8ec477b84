"""Where an import's files wait: DATA_DIR/imports/, never served, private to this account."""

import os
import socket
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


def process_start(pid: int) -> str:
    """When process `pid` started (clock ticks since boot), so a reused pid is not taken for it."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def this_runner() -> list:
    """This process, as files and job records name it: host, pid and start time (computed per
    call: a server that forks its workers after importing this module has one per worker)."""
    return [socket.gethostname(), os.getpid(), process_start(os.getpid())]


def runner_alive(runner) -> bool:
    host, pid, started = runner
    if host != socket.gethostname():
        return True  # another machine's process: not ours to judge
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return not started or process_start(pid) == started


def stage_path(token: str) -> Path:
    """A staging file (sql.staging) named for the process writing it."""
    _, pid, started = this_runner()
    return storage_dir() / f"stage-{pid}-{started or 0}-{token}.sqlite3"


def remove_orphan_stages() -> int:
    """Remove staging files left by processes that died mid-import (a kill, a power cut)."""
    count = 0
    for path in storage_dir().glob("stage-*.sqlite3"):
        try:
            _, pid, started, _ = path.name.split("-", 3)
            runner = [socket.gethostname(), int(pid), "" if started == "0" else started]
        except ValueError:
            continue
        if not runner_alive(runner):
            path.unlink(missing_ok=True)
            count += 1
    return count
