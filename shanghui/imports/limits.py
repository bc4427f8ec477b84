"""What an uploaded file may be: size limit, zip-bomb defence, encrypted and corrupt files.

.xlsx and .ods are zip archives. A zip bomb is a small archive that inflates to
gigabytes; the reader would then exhaust memory and time. We first judge the archive's
directory alone (the sizes it declares: in total, per member and for the whole file,
shanghui/core/files.py::zip_is_safe) and refuse before inflating anything; only a file
that passes is inflated once, counting bytes, so a lying directory is caught too
(Python's zipfile stops at the declared size and then fails the CRC check). Limits come
from settings, with defaults that fit a 1,000,000-row register.
"""

import os
import zipfile

from django.conf import settings

from shanghui.core.files import zip_is_safe

MB = 1024 * 1024


def max_upload_bytes() -> int:
    return getattr(settings, "SHANGHUI_IMPORT_MAX_BYTES", 300 * MB)


def max_unzipped_bytes() -> int:
    return getattr(settings, "SHANGHUI_IMPORT_MAX_UNZIPPED_BYTES", 3 * 1024 * MB)




class FileRejected(Exception):
    """The file cannot be read at all; the message says why, in Chinese, for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def check_size(size: int) -> None:
    limit = max_upload_bytes()
    if size > limit:
        raise FileRejected(f"文件太大（{size / MB:.1f} MB），单个文件不能超过{limit / MB:.0f} MB，请拆分后分批导入。")
    if size == 0:
        raise FileRejected("文件是空的。")


def _size_of(path_or_file) -> int:
    """Bytes in a file given by path or as an open (seekable) file, such as a sealed upload's plain view."""
    if isinstance(path_or_file, (str, bytes, os.PathLike)):
        return os.path.getsize(path_or_file)
    here = path_or_file.tell()
    try:
        return path_or_file.seek(0, os.SEEK_END)
    finally:
        path_or_file.seek(here)


def check_zip(path) -> zipfile.ZipFile:
    """Refuse zip bombs; returns the open archive for the caller to inspect (and close)."""
    bomb = FileRejected("文件解压后的大小异常（疑似“压缩炸弹”），已拒绝。如确为正常表格，请另存为CSV后导入。")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise FileRejected("文件已损坏，无法读取。请在Excel中打开确认后重新保存再导入。") from None
    try:
        infos = archive.infolist()
        limit = max_unzipped_bytes()
        if not zip_is_safe(archive, _size_of(path), limit):
            raise bomb
        # Inflate once, counting: the declared sizes above may be lies.
        actual = 0
        for info in infos:
            with archive.open(info) as member:
                while chunk := member.read(4 * MB):
                    actual += len(chunk)
                    if actual > limit:
                        raise bomb
    except FileRejected:
        archive.close()
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as e:
        archive.close()
        if "encrypted" in str(e).lower() or "password" in str(e).lower():
            raise FileRejected("文件设置了密码，无法读取。请在Excel中取消密码保护后再导入。") from None
        raise FileRejected("文件已损坏，无法读取。请在Excel中打开确认后重新保存再导入。") from None
    return archive
