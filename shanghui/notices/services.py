"""Writes to notices. Each checks scope, validates the row and the attachment, saves and audits.

Who may publish: whoever may write the issuing region (accounts/scope.py): the federation admin
any audience within the district, a street worker her street's enterprises, its chambers' members
or chosen enterprises of her street. Everything the notice names (street, chambers, enterprises)
must lie inside the issuing region. A notice someone has read is kept (its receipts are the record
that it reached them), so it can no longer be deleted.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from shanghui.accounts.scope import can_write_region, require_region, require_region_change, require_visible
from shanghui.audit import record
from shanghui.core import services as base
from shanghui.core.files import DOCX, JPEG, PDF, PNG, check_upload, delete_after_commit
from shanghui.core.redact import scrub_filename
from shanghui.core.roles import Role
from shanghui.directory.models import Enterprise
from shanghui.orgs.models import Region

from .models import Audience, Notice, NoticeReceipt

# The library's upload rule: the type judged by the bytes, at most 20 MB.
ATTACHMENT_TYPES = (PDF, DOCX, PNG, JPEG)
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
# Which target field each audience uses; the others are cleared.
TARGETS = {Audience.STREET: "street", Audience.CHAMBER: "chamber"}


def can_write(user, notice: Notice) -> bool:
    return can_write_region(user, notice.region)


def can_delete(user, notice: Notice) -> bool:
    return can_write(user, notice) and not notice.receipts.exists()


def _targets(by, region: Region | None, audience: str, fields: dict, enterprises) -> dict:
    """The audience's own target kept, the others cleared; every named row checked against the scope."""
    keep = TARGETS.get(audience)
    fields = {**fields, **{name: None for name in TARGETS.values() if name != keep}}
    require_visible(by, fields.get("chamber"), "商会")
    require_visible(by, fields.get("issuer_chamber"), "发布商会")
    if audience == Audience.ENTERPRISES:
        if not enterprises:
            raise ValidationError({"enterprises": "发送范围为“指定企业”，请至少选择一家企业。"})
        # One query for them all: the publisher may see each, and each lies inside the issuing region.
        paths = dict(Enterprise.objects.visible_to(by).filter(pk__in=[e.pk for e in enterprises])
                     .values_list("pk", "region__path"))
        for enterprise in enterprises:
            if enterprise.pk not in paths:
                raise PermissionDenied("企业不在您的管辖范围内。")
            if region is not None and not paths[enterprise.pk].startswith(region.path):
                raise ValidationError({"enterprises": f"企业“{enterprise}”不在“{region}”范围内。"})
    return fields


def _attach(notice: Notice, upload) -> None:
    try:
        check_upload(upload, ATTACHMENT_TYPES, max_bytes=ATTACHMENT_MAX_BYTES)
    except ValidationError as e:
        raise ValidationError({"attachment": e.messages}) from None
    notice.attachment_name = scrub_filename(upload.name.rsplit("/", 1)[-1])[:200]
    notice.attachment = upload


@transaction.atomic
def notice_create(*, by, title: str, body: str, region: Region, audience: str, street: Region | None = None,
                  chamber=None, issuer_chamber=None, enterprises=(), attachment=None) -> Notice:
    require_region(by, region)
    enterprises = list(enterprises or [])
    fields = _targets(by, region, audience, {"street": street, "chamber": chamber, "issuer_chamber": issuer_chamber},
                      enterprises)
    notice = Notice(title=title, body=body, region=region, audience=audience, created_by=by, **fields)
    if attachment:
        _attach(notice, attachment)
    base.save_new(by=by, obj=notice)
    if audience == Audience.ENTERPRISES:
        notice.enterprises.set(enterprises)
        record(by=by, action="update", obj=notice, fields=["enterprises"])
    return notice


@transaction.atomic
def notice_update(*, by, notice: Notice, attachment=None, enterprises=None, **changes) -> Notice:
    """Change the notice; a new `attachment` replaces the old one, None keeps it."""
    require_region_change(by, notice.region, changes)
    region = changes.get("region", notice.region)
    audience = changes.get("audience", notice.audience)
    current = {name: getattr(notice, name) for name in ("street", "chamber", "issuer_chamber")}
    if enterprises is None:
        enterprises = list(notice.enterprises.all())
    enterprises = list(enterprises) if audience == Audience.ENTERPRISES else []
    changes = {**changes, **_targets(by, region, audience, {**current, **changes}, enterprises)}
    base.save_changes(by=by, obj=notice, changes=changes)
    if set(enterprises) != set(notice.enterprises.all()):
        notice.enterprises.set(enterprises)
        record(by=by, action="update", obj=notice, fields=["enterprises"])
    if attachment:
        old = notice.attachment.name
        _attach(notice, attachment)
        notice.save(update_fields=["attachment", "attachment_name"])
        record(by=by, action="update", obj=notice, fields=["attachment"])
        if old != notice.attachment.name:
            delete_after_commit(notice.attachment.storage, old)
    return notice


@transaction.atomic
def notice_delete(*, by, notice: Notice) -> None:
    require_region(by, notice.region)
    if notice.receipts.exists():
        raise ValidationError(f"通知“{notice}”已有 {notice.receipts.count()} 人阅读，不能删除。")
    name, storage = notice.attachment.name, notice.attachment.storage
    base.delete(by=by, obj=notice)
    delete_after_commit(storage, name)


def notice_read(*, by, notice: Notice) -> NoticeReceipt:
    """Record that an enterprise user of the audience read `notice`, once: the first reading is kept."""
    if by.role != Role.ENTERPRISE_USER:
        raise PermissionDenied("只有企业用户的阅读会记录回执。")
    require_visible(by, notice, "该通知")
    receipt = NoticeReceipt.objects.filter(notice=notice, user=by).first()
    if receipt is not None:
        return receipt
    try:
        with transaction.atomic():
            receipt = NoticeReceipt.objects.create(notice=notice, user=by)
            record(by=by, action="create", obj=receipt, fields=["notice", "user", "read_at"])
    except IntegrityError:  # the same user's other tab got there first
        receipt = NoticeReceipt.objects.get(notice=notice, user=by)
    return receipt
