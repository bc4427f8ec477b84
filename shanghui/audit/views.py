import json

from django.contrib.auth.decorators import login_required
from django.utils import timezone

from shanghui.core.crud import export_page, list_page, require
from shanghui.core.exporting import Column
from shanghui.core.roles import Role

from .forms import AuditFilter
from .labels import action_label, detail, object_label
from .models import AuditEvent

DENIED = "只有工商联管理员、审计员和系统管理员可以查看审计日志。"


def can_read_audit(user) -> bool:
    return user.is_superuser or user.role in (Role.FEDERATION_ADMIN, Role.AUDITOR)


def _events(user):
    return AuditEvent.objects.visible_to(user).select_related("actor")


@login_required
def event_list(request):
    require(can_read_audit(request.user), DENIED)
    return list_page(request, template="audit/event_list.html", queryset=_events(request.user),
                     filter_form=AuditFilter(request.GET, user=request.user))


# The export carries seq and hashes, so a copy taken today can later be checked against the database.
EXPORT_COLUMNS = [
    Column("序号", lambda e: e.seq, 8),
    Column("时间", lambda e: timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"), 20),
    Column("操作人账号", lambda e: e.actor_name),
    Column("操作", lambda e: action_label(e.action), 12),
    Column("对象类型", lambda e: object_label(e.object_type)),
    Column("对象类型代码", lambda e: e.object_type),
    Column("对象编号", lambda e: e.object_id, 10),
    Column("对象", lambda e: e.object_repr, 24),
    Column("说明", detail, 40),
    Column("变更字段", lambda e: ", ".join(e.fields), 24),
    Column("附加信息", lambda e: json.dumps(e.extra, ensure_ascii=False, sort_keys=True) if e.extra else "", 40),
    Column("来源地址", lambda e: e.source_address),
    Column("结果", lambda e: "成功" if e.success else "失败", 8),
    Column("哈希", lambda e: e.hash, 66),
]


@login_required
def event_export(request):
    """The filtered log as xlsx (default) or ?format=csv; the export is itself an audit event."""
    require(can_read_audit(request.user), DENIED)
    return export_page(request, title="审计日志", queryset=_events(request.user),
                       filter_form=AuditFilter(request.GET, user=request.user), columns=EXPORT_COLUMNS)
