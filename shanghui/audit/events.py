from django.db import models

from shanghui.core import redact

from .context import source_address
from .models import AuditEvent

ACTION_LABELS = {
    "create": "新增",
    "update": "修改",
    "delete": "删除",
    "export": "导出",
    "export_plain": "明文导出",
    "import": "导入",
    "login": "登录",
    "login_failed": "登录失败",
    "logout": "退出",
    "unmask": "查看明文",
    "personal_data_export": "导出本人个人信息",
    "personal_data_anonymise": "匿名化个人信息",
    "personal_data_delete": "删除个人信息",
    "duplicate_refused": "拒绝重复登记（他单位记录）",
    "demo_data": "生成演示数据",
    "signin": "扫码签到",
    "signin_confirm": "确认签到",
    "signin_reject": "驳回签到",
    "invite": "邀请企业参加活动",
    "invitation_reply": "回复活动邀请",
    "invitation_remind": "发送活动提醒",
    "calendar_feed_reset": "重置活动日历订阅地址",
    "rotate_keys": "更换加密密钥",
    "audit_purge": "清理过期审计日志",
    "setting_update": "修改系统设置",
    "import_dry_run": "导入预检",
    "password_change_failed": "修改密码失败",
    "backup": "备份",
    "restore": "恢复",
}

# Defence in depth: callers pass field names, never values, but a typed-in user name or a
# file name can still hold an ID or mobile number; core/redact.py masks it before storing.
scrub = redact.scrub


def record(
    *,
    by,
    action: str,
    obj: models.Model | None = None,
    fields: list[str] | None = None,
    extra: dict | None = None,
    success: bool = True,
    object_type: str = "",
) -> AuditEvent:
    """Append one audit event to the hash chain. Field names only, never values: no personal data."""
    actor = by if getattr(by, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=actor,
        actor_name=getattr(by, "username", "") or "",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else object_type,
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=scrub(str(obj))[:200] if obj is not None else "",
        fields=list(fields or []),
        extra=scrub(extra or {}),
        source_address=source_address.get(),
        success=success,
    )
