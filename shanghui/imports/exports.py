"""Exports in the import template's shape, so a register can go out and come back in.

`export_kind` is what the "导出" button of the import page calls; list pages of the
other apps call exporting.export_response with their own filtered querysets.
"""

from .exporting import export_response
from .kinds import Kind


def export_kind(*, by, kind: Kind, fmt: str = "xlsx", queryset=None, filters: dict | None = None):
    queryset = queryset if queryset is not None else kind.export_queryset(by)
    filters = dict(filters or {})
    if any(c.header in ("身份证号码", "手机号码", "个人会员身份证号码") for c in kind.export_columns(by)):
        # The audit event says whether personal data left the system unmasked.
        filters.setdefault("unmasked", bool(by.can_unmask))
    return export_response(by=by, title=f"{kind.label}名录", queryset=queryset, columns=kind.export_columns(by),
                           fmt=fmt, filters=filters, object_type=kind.model._meta.label_lower)
