"""What an uploaded library file may be, decided from its bytes, and the text search reads from it.

The type comes from content sniffing (magic bytes, and for .docx the zip's own table of
contents), never from the name or the browser's Content-Type; the extension must agree with it.
A .docx is a zip, so its members are checked against a zip bomb before python-docx opens it.
"""

import io
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError

MAX_BYTES = 20 * 1024 * 1024
MAX_TEXT = 200_000  # characters of extracted text kept for search
DOCX_MAX_UNCOMPRESSED = 100 * 1024 * 1024
DOCX_MAX_RATIO = 200


@dataclass(frozen=True)
class FileType:
    content_type: str
    extensions: tuple[str, ...]
    label: str


PDF = FileType("application/pdf", ("pdf",), "PDF")
DOCX = FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",), "Word")
PNG = FileType("image/png", ("png",), "PNG 图片")
JPEG = FileType("image/jpeg", ("jpg", "jpeg"), "JPEG 图片")
ALLOWED = "PDF、Word（.docx）、PNG 或 JPEG 图片"


def sniff(head: bytes, data_file) -> FileType | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        try:
            data_file.seek(0)
            with zipfile.ZipFile(data_file) as z:
                if "word/document.xml" in z.namelist():
                    return DOCX
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
    return None


def check(upload) -> FileType:
    """The upload's sniffed type, or a ValidationError in Chinese (size, type, extension, zip bomb)."""
    if upload is None:
        raise ValidationError({"file": "请选择要上传的文件。"})
    if upload.size > MAX_BYTES:
        raise ValidationError({"file": f"文件不能超过 {MAX_BYTES // 1024 // 1024} MB。"})
    if upload.size == 0:
        raise ValidationError({"file": "文件是空的。"})
    upload.seek(0)
    head = upload.read(16)
    kind = sniff(head, upload)
    upload.seek(0)
    if kind is None:
        raise ValidationError({"file": f"只能上传{ALLOWED}文件。"})
    ext = (upload.name or "").rsplit(".", 1)[-1].lower() if "." in (upload.name or "") else ""
    if ext not in kind.extensions:
        raise ValidationError({"file": f"文件内容是{kind.label}，但扩展名是“.{ext}”，请核对后再上传。"})
    if kind is DOCX:
        _check_zip(upload)
    return kind


def _check_zip(upload) -> None:
    upload.seek(0)
    with zipfile.ZipFile(upload) as z:
        infos = z.infolist()
        total = sum(i.file_size for i in infos)
        packed = sum(i.compress_size for i in infos) or 1
    upload.seek(0)
    if len(infos) > 2000 or total > DOCX_MAX_UNCOMPRESSED or total / packed > DOCX_MAX_RATIO:
        raise ValidationError({"file": "Word 文件解压后过大或结构异常，已拒绝。"})


def extract_text(upload, kind: FileType) -> str:
    """The file's text for search ("" for images). A file that cannot be read is refused."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    try:
        if kind is PDF:
            text = _pdf_text(data)
        elif kind is DOCX:
            text = _docx_text(data)
        else:
            return ""
    except ValidationError:
        raise
    except Exception:  # a damaged file: pypdf/python-docx raise many kinds of errors
        raise ValidationError({"file": f"无法读取该{kind.label}文件，文件可能已损坏或加密。"}) from None
    return text[:MAX_TEXT]


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        raise ValidationError({"file": "PDF 文件已加密，无法提取文字，请上传未加密的文件。"})
    parts, size = [], 0
    for page in reader.pages:
        part = page.extract_text() or ""
        parts.append(part)
        size += len(part)
        if size > MAX_TEXT:
            break
    return "\n".join(parts)


def _docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(p for p in parts if p)


def make_docx(title: str, paragraphs: list[str]) -> bytes:
    """A small .docx in memory (the demo documents and the tests)."""
    import docx

    document = docx.Document()
    document.add_heading(title, level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
