"""Files: what an upload is (judged by its bytes), how the data directory keeps files, how one is served.

Accepting: the type comes from the content (magic bytes; for Office files the zip's own
[Content_Types].xml or the OLE2 stream names), never from the name or the browser's
Content-Type, and the extension must agree with it. HTML, SVG or script text renamed to .pdf,
.txt or anything else is refused. A zip-based file is judged from the sizes its directory
declares before anything is inflated (`zip_is_safe`, also used by the spreadsheet import).

Keeping: every file the application writes is 0600 and every folder 0700, whatever the umask
of the process that runs it (settings also sets a 0077 umask for files that libraries make),
and stored file names carry no typed number.

Serving: only through a scoped lookup, never from the media path, and audited.
"""

import codecs
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import transaction
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


def make_data_dirs() -> None:
    """The data directory and STATIC_ROOT, at start-up (CoreConfig.ready): the settings only name them.

    An existing data directory is tightened to 0700; WhiteNoise warns on every request when
    STATIC_ROOT is missing."""
    data_dir = Path(settings.DATA_DIR)
    data_dir.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    try:
        data_dir.chmod(DIR_MODE)
    except OSError:  # a folder we do not own (a mount point): its mode is the operator's to set
        pass
    Path(settings.STATIC_ROOT).mkdir(mode=DIR_MODE, exist_ok=True)


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
MB = 1024 * 1024


@dataclass(frozen=True)
class FileType:
    content_type: str
    extensions: tuple[str, ...]
    label: str


PDF = FileType("application/pdf", ("pdf",), "PDF")
PNG = FileType("image/png", ("png",), "PNG 图片")
JPEG = FileType("image/jpeg", ("jpg", "jpeg"), "JPEG 图片")
DOCX = FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",), "Word")
XLSX = FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",), "Excel")
DOC = FileType("application/msword", ("doc",), "Word 97-2003")
XLS = FileType("application/vnd.ms-excel", ("xls",), "Excel 97-2003")
TEXT = FileType("text/plain", ("txt",), "纯文本")

# The main part's content type in [Content_Types].xml names what an OOXML package is
# (a macro-enabled .docm renamed .docx has another one and is refused).
OOXML_MAIN = {
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
}
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Markup a browser would run if it ever rendered the file: refused inside anything sniffed as text.
MARKUP = re.compile(rb"<\s*(?:!doctype|html|head|body|script|svg|iframe|object|embed|meta|\?xml)", re.I)

ZIP_MAX_RATIO = 200  # real Office files compress 3-30 times; bombs 1000 times and more
ZIP_MAX_MEMBERS = 10_000
ZIP_RATIO_FLOOR = MB  # below this much inflated data the ratio does not matter


def zip_is_safe(archive: zipfile.ZipFile, archive_size: int, max_total: int) -> bool:
    """Judge a zip from its directory alone, before inflating any member.

    Refused: more members than any real document has; declared sizes adding up past
    `max_total`; one member, or the whole, inflating more than ZIP_MAX_RATIO times its
    packed size; members whose packed data add up to more than the file itself (overlapping
    entries, the trick of the smallest bombs).
    """
    infos = archive.infolist()
    if len(infos) > ZIP_MAX_MEMBERS:
        return False
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos)
    if total > max_total or packed > archive_size:
        return False
    if total > ZIP_RATIO_FLOOR and total > ZIP_MAX_RATIO * max(archive_size, 1):
        return False
    return not any(i.file_size > ZIP_RATIO_FLOOR and i.file_size > ZIP_MAX_RATIO * max(i.compress_size, 1)
                   for i in infos)


def _read_member(archive: zipfile.ZipFile, name: str, limit: int = MB) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > limit:
        raise zipfile.BadZipFile(name)
    with archive.open(info) as member:
        return member.read(limit + 1)[:limit]


def _sniff_zip(upload, size: int, max_unzipped: int) -> FileType | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            if not zip_is_safe(archive, size, max_unzipped):
                raise ValidationError("文件解压后过大或结构异常（疑似“压缩炸弹”），已拒绝。")
            types = _read_member(archive, "[Content_Types].xml")
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, NotImplementedError, RuntimeError, ValueError):
        return None
    return next((kind for main, kind in OOXML_MAIN.items() if main in types), None)


def _sniff_ole2(data: bytes) -> FileType | None:
    # The directory's stream names are UTF-16: an encrypted OOXML package is OLE2 too, and is neither.
    def has(name: str) -> bool:
        return name.encode("utf-16-le") in data

    if has("EncryptedPackage"):
        return None
    if has("WordDocument"):
        return DOC
    if has("Workbook") or has("Book"):
        return XLS
    return None


def _sniff_text(data: bytes) -> FileType | None:
    if b"\x00" in data or MARKUP.search(data):
        return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            codecs.decode(data, encoding)
        except UnicodeDecodeError:
            continue
        return TEXT
    return None


def sniff(upload, *, max_unzipped: int = 100 * MB) -> FileType | None:
    """What the upload's bytes are (None: nothing we accept). Raises ValidationError for a zip bomb."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        return _sniff_zip(upload, len(data), max_unzipped)
    if data.startswith(OLE2_MAGIC):
        return _sniff_ole2(data)
    return _sniff_text(data)


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in (name or "") else ""


def _size(n: int) -> str:
    return f"{n / MB:.0f} MB" if n >= MB else f"{n / 1024:.0f} KB" if n >= 1024 else f"{n} 字节"


def check_upload(upload, allowed: tuple[FileType, ...], *, max_bytes: int) -> FileType:
    """The upload's type, judged by its content, or a ValidationError in Chinese.

    The extension must be one of `allowed` and the content must be what the extension says.
    """
    labels = "、".join(dict.fromkeys(kind.label for kind in allowed))
    ext = extension(getattr(upload, "name", "") or "")
    claimed = next((kind for kind in allowed if ext in kind.extensions), None)
    if claimed is None:
        raise ValidationError(f"文件类型不支持，只能上传{labels}文件。")
    if upload.size > max_bytes:
        raise ValidationError(f"文件不能超过 {_size(max_bytes)}（现为 {_size(upload.size)}），请压缩或拆分后再上传。")
    if upload.size == 0:
        raise ValidationError("文件是空的。")
    found = sniff(upload)
    if found is None:
        raise ValidationError(f"文件内容不是有效的{claimed.label}文件（扩展名是“.{ext}”），已拒绝；只能上传{labels}文件。")
    if found is not claimed:
        raise ValidationError(f"文件内容是{found.label}，但扩展名是“.{ext}”，请核对后再上传。")
    return found


def check_new_upload(value, allowed: tuple[FileType, ...], *, max_bytes: int) -> None:
    """For a model's FileField in clean(): judge a file just uploaded (a stored one was judged then)."""
    if not value or getattr(value, "_committed", True):
        return
    if extension(value.name) not in {e for kind in allowed for e in kind.extensions}:
        return  # the field's extension validator already says so
    check_upload(value.file, allowed, max_bytes=max_bytes)


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


def delete_after_commit(storage, name: str) -> None:
    """Remove the stored file `name` once the transaction that dropped it commits: a rollback keeps
    the row, so it must keep the file too."""
    if name:
        transaction.on_commit(lambda: storage.delete(name))
