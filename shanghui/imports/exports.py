"""Exports in the import template's shape, so a register can go out and come back in.

`export_kind` is what the "导出" button of the import page calls; list pages of the
other apps call exporting.export_response with their own filtered querysets. Both mask
personal numbers for everyone. `kind_export_plain` is the one way a file of plain ID and
mobile numbers leaves the system: an explicit action with a stated reason, for users
granted the unmask of every kind the file carries (accounts/unmask.py), audited with the
reason and the row count, never cached.
"""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.cache import add_never_cache_headers

from shanghui.accounts import unmask
from shanghui.core.exporting import export_response

from .kinds import Kind

REASON_MIN, REASON_MAX = 4, 200


def _export(*, by, kind: Kind, fmt: str, plain: bool, filters: dict | None, action: str = "export",
            extra: dict | None = None):
    columns = kind.export_columns(by, plain=plain)
    filters = dict(filters or {})
    if any(c.personal for c in columns):
        # The audit event says whether personal data left the system unmasked.
        filters["unmasked"] = plain
    return export_response(by=by, title=f"{kind.label}名录", rows=kind.export_queryset(by), columns=columns,
                           fmt=fmt, filters=filters, object_type=kind.model._meta.label_lower, action=action,
                           extra=extra)


def export_kind(*, by, kind: Kind, fmt: str = "xlsx", filters: dict | None = None):
    """The kind's rows in the user's scope, personal numbers masked whoever asks."""
    return _export(by=by, kind=kind, fmt=fmt, plain=False, filters=filters)


def clean_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if len(reason) < REASON_MIN:
        raise ValidationError({"reason": f"请写明导出明文的事由（至少 {REASON_MIN} 个字），该事由将记入审计日志。"})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"事由不能超过 {REASON_MAX} 个字。"})
    return reason


def may_export_plain(user, kind: Kind) -> bool:
    kinds = kind.personal_kinds(user)
    return bool(kinds) and unmask.may_export_plain(user, kinds)


def kind_export_plain(*, by, kind: Kind, reason: str, fmt: str = "xlsx"):
    """The kind's rows in the user's scope with plain personal numbers: refused (and audited)
    unless `by` is granted every kind the file carries; the reason goes into the audit event."""
    kinds = kind.personal_kinds(by)
    if not kinds:
        raise Http404("该类数据不含个人信息，无需明文导出。")
    object_type = kind.model._meta.label_lower
    if not unmask.may_export_plain(by, kinds):
        unmask.refuse(by=by, message="只有获授权查看完整身份证号码的工商联管理员可以导出明文。", why="not_granted",
                      action=unmask.PLAIN_EXPORT_ACTION, object_type=object_type, extra={"kind": kind.name})
    reason = clean_reason(reason)
    if fmt not in ("xlsx", "csv"):
        raise ValidationError({"format": "请选择导出格式（Excel 或 CSV）。"})
    response = _export(by=by, kind=kind, fmt=fmt, plain=True, filters=None, action=unmask.PLAIN_EXPORT_ACTION,
                       extra={"kind": kind.name, "reason": reason, "personal": sorted(kinds)})
    add_never_cache_headers(response)
    return response
