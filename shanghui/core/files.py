"""Files of the data directory: created for the owner alone, stored under scrubbed names, served audited.

Every file the application writes is 0600 and every folder 0700, whatever the umask of
the process that runs it (settings also sets a 0077 umask for files that libraries make).
"""

import os
from pathlib import Path

from django.core.files.storage import FileSystemStorage
from django.db.models import Model
from django.http import FileResponse, Http404

from shanghui.audit import record

from .redact import scrub_filename

FILE_MODE, DIR_MODE = 0o600, 0o700


def private_dir(path: Path | str) -> Path:
    """`path` and any missing parents, created 0700 (an existing folder is left as it is)."""
    path = Path(path)
    missing = []
    for folder in (path, *path.parents):
        if folder.exists():
            break
        missing.append(folder)
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    for folder in missing:
        folder.chmod(DIR_MODE)  # mkdir's mode is cut by the umask; parents= ignores it
    return path


def open_private(path: Path | str, mode: str = "wb", **kwargs):
    """open() for writing that creates (or truncates) the file with mode 0600, whatever the umask."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if "a" in mode else os.O_TRUNC)
    fd = os.open(path, flags, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)  # an existing file keeps its old mode through os.open
    except OSError:
        os.close(fd)
        raise
    return os.fdopen(fd, mode, **kwargs)


def write_private(path: Path | str, data: bytes) -> None:
    with open_private(path) as out:
        out.write(data)


class PrivateFileSystemStorage(FileSystemStorage):
    """The media storage: 0600 files in 0700 folders, and no typed number in a stored file name.

    The original name of an upload may be "张三 13800138000.pdf"; the name on disk (and in the
    FileField column) has the number masked. Models that show the original name keep it in
    their own field.
    """

    def __init__(self, location=None, base_url=None, file_permissions_mode=FILE_MODE,
                 directory_permissions_mode=DIR_MODE, **kwargs):
        super().__init__(location, base_url, file_permissions_mode, directory_permissions_mode, **kwargs)

    def get_valid_name(self, name: str) -> str:
        return super().get_valid_name(scrub_filename(name))


def file_download(*, by, obj: Model, field: str, title: str, filename: str = "",
                  content_type: str | None = None) -> FileResponse:
    """The file in `obj.<field>` as an attachment; 404 when there is none (or it is gone from disk).

    The caller found `obj` through `visible_to(by)`. Every download is an audit event
    ("export", as for spreadsheets), so who took which file away is on record.
    """
    stored = getattr(obj, field)
    if not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    record(by=by, action="export", obj=obj, fields=[field], extra={"title": title})
    response = FileResponse(handle, as_attachment=True, filename=filename or stored.name.rsplit("/", 1)[-1],
                            content_type=content_type)
    # A stored HTML or SVG file is never rendered by the browser as a page of this site.
    response["X-Content-Type-Options"] = "nosniff"
    return response
