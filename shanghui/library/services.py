"""Writes to the library. Each checks scope, validates the file and the row, saves and audits.

Who may write: a street document, whoever may write that street (its street worker, the
federation admin); a district-wide document (no region), a district-level writer only.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from shanghui.accounts.scope import can_write_region
from shanghui.audit import record
from shanghui.core import services as base
from shanghui.core.files import delete_after_commit
from shanghui.core.redact import scrub_filename
from shanghui.core.roles import REGION_WRITERS
from shanghui.orgs.models import Region

from . import files
from .models import Document


def can_write_document_region(user, region: Region | None) -> bool:
    if region is not None:
        return can_write_region(user, region)
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.role in REGION_WRITERS and user.region_id is not None and user.region.level == Region.Level.DISTRICT


def can_write(user, document: Document) -> bool:
    return can_write_document_region(user, document.region)


def _require(user, region) -> None:
    if not can_write_document_region(user, region):
        raise PermissionDenied(f"您无权管理“{region}”的文件。" if region else "只有区级管理员可以管理全区文件。")


def _attach(document: Document, upload) -> None:
    kind = files.check(upload)
    document.text = files.extract_text(upload, kind)
    document.content_type = kind.content_type
    document.size = upload.size
    document.filename = scrub_filename(upload.name.rsplit("/", 1)[-1])[:200]
    document.file = upload


@transaction.atomic
def document_create(*, by, kind: str, title: str, issuer: str, date, file, region: Region | None = None,
                    tags: str = "", is_public: bool = False) -> Document:
    _require(by, region)
    document = Document(kind=kind, title=title, issuer=issuer, date=date, region=region, tags=_tags(tags),
                        is_public=is_public)
    _attach(document, file)
    document.full_clean()
    document.save()
    record(by=by, action="create", obj=document,
                fields=["kind", "title", "issuer", "date", "region", "tags", "is_public", "file"])
    return document


@transaction.atomic
def document_update(*, by, document: Document, file=None, **changes) -> Document:
    """Change the description; a new `file` replaces the old one (and its text)."""
    _require(by, document.region)
    if "region" in changes:
        _require(by, changes["region"])
    if "tags" in changes:
        changes["tags"] = _tags(changes["tags"])
    base.save_changes(by=by, obj=document, changes=changes)
    if file:
        old = document.file.name
        _attach(document, file)
        document.full_clean()
        document.save(update_fields=["file", "text", "content_type", "size", "filename"])
        record(by=by, action="update", obj=document, fields=["file"])
        if old != document.file.name:
            delete_after_commit(document.file.storage, old)
    return document


@transaction.atomic
def document_delete(*, by, document: Document) -> None:
    _require(by, document.region)
    name, storage = document.file.name, document.file.storage
    base.delete(by=by, obj=document)
    delete_after_commit(storage, name)


def _tags(value) -> str:
    if value is None:
        return ""
    items = value if isinstance(value, list | tuple) else str(value).replace("，", ",").split(",")
    tags = []
    for t in items:
        t = str(t).strip()
        if t and t not in tags:
            tags.append(t)
    text = ",".join(tags)
    if len(text) > 200:
        raise ValidationError({"tags": "标签总长度不能超过200个字符。"})
    return text
