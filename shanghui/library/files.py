"""What an uploaded library file may be, and the text search reads from it.

The type is judged from the bytes by shanghui/core/files.py (the extension must agree); a .docx
is a zip, so its declared sizes are checked there before python-docx inflates anything.
"""

import io

from django.core.exceptions import ValidationError

from shanghui.core.files import DOCX, JPEG, PDF, PNG, FileType, check_upload

MAX_BYTES = 20 * 1024 * 1024
MAX_TEXT = 200_000  # characters of extracted text kept for search
TYPES = (PDF, DOCX, PNG, JPEG)


def check(upload) -> FileType:
    """The upload's sniffed type, or a ValidationError in Chinese (size, type, extension, zip bomb)."""
    if upload is None:
        raise ValidationError({"file": "请选择要上传的文件。"})
    try:
        return check_upload(upload, TYPES, max_bytes=MAX_BYTES)
    except ValidationError as e:
        raise ValidationError({"file": e.messages}) from None


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
