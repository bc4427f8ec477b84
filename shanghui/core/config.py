"""Settings a federation changes on the 系统设置 page (core:settings) without a deploy.

Each setting is declared once in ITEMS: its key, Chinese label and help, the form field that
validates a value typed on the page, and its default. Code reads it with `get(key)`.

Precedence (the first that applies wins):

1. a key pinned by the operator — SHANGHUI_SETTINGS_LOCKED, a comma-separated list of keys (or of
   their environment names), in the environment or in Django settings — skips step 2: the page
   shows it read-only and the deployment's value holds;
2. the value saved on the page (a `core.Setting` row);
3. the Django setting named like the environment variable, SHANGHUI_<KEY> (settings.py reads most
   of them from the environment; tests override them with the `settings` fixture);
4. the environment variable SHANGHUI_<KEY>;
5. the declared default.

Values from steps 3–5 are taken as the deployment gives them (the readers still clamp them, e.g.
the audit log's 180-day floor); only values typed on the page are validated here.

Rows are read all at once and kept for CACHE_SECONDS per process; a write clears this process's
copy at once, other processes (the cron commands, a second server) see it within CACHE_SECONDS.

Apps above core add a table of values kept on their own rows (the service desk's time limit per
category) with `register_table`; the page shows and saves it without importing the app.
"""

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from shanghui.audit import record

from .roles import Role

CACHE_SECONDS = 5
LOCK_VARIABLE = "SHANGHUI_SETTINGS_LOCKED"

GROUPS = {
    "stats": "统计",
    "servicedesk": "诉求时限",
    "messaging": "消息渠道",
    "retention": "保留期限",
    "security": "账户安全",
}

# --- validators -------------------------------------------------------------------------------

_http_url = URLValidator(schemes=["http", "https"], message="请填写以 http:// 或 https:// 开头的完整地址。")
BACKEND_MESSAGE = ("请填写 console、file 或以 http:// 或 https:// 开头的地址；自定义发送类（如厂商短信接口）"
                   "由系统管理员在部署环境中设置。")


def validate_backend(value: str) -> None:
    """console, file or an http(s) URL. A sender class of one's own (a vendor's SMS SDK) is code that the
    outbox instantiates: only the operator names it, in the environment, never a page (separation of duties)."""
    if value in ("console", "file"):
        return
    if value.startswith(("http://", "https://")):
        _http_url(value)
        return
    raise ValidationError(BACKEND_MESSAGE)


def _int_field(low: int, high: int, message: str, *, required: bool = True) -> Callable[[], forms.Field]:
    def make() -> forms.Field:
        errors = {"min_value": message, "max_value": message, "invalid": "请填写整数。", "required": "请填写此项。"}
        return forms.IntegerField(min_value=low, max_value=high, required=required, error_messages=errors)

    return make


def _backend_field() -> forms.Field:
    return forms.CharField(max_length=300, validators=[validate_backend], strip=True,
                           error_messages={"required": "请填写此项（不发送出去时填 console）。",
                                           "max_length": "地址或路径太长（至多300个字符）。"})


def _webhook_field() -> forms.Field:
    return forms.CharField(max_length=300, required=False, validators=[_http_url], strip=True,
                           error_messages={"max_length": "地址太长（至多300个字符）。"})


def _int_or_none(text: str) -> int | None:
    return int(text) if text.strip() else None


# --- the declarations -------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    key: str
    group: str
    label: str
    help: str
    field: Callable[[], forms.Field]
    default: Any = None
    parse: Callable[[str], Any] = str  # an environment variable's text → the value
    url: bool = False  # may carry a secret (a robot's key) in its query string: masked in the audit trail

    @property
    def env(self) -> str:
        return f"SHANGHUI_{self.key.upper()}"


ITEMS: dict[str, Item] = {item.key: item for item in [
    Item("default_year", "stats", "默认统计年度",
         "用户未自行选择统计年度时，各统计页面默认显示的年度；留空表示当年。",
         _int_field(2000, 2100, "统计年度应在2000至2100之间。", required=False), None, _int_or_none),
    Item("servicedesk_reopen_days", "servicedesk", "可重新打开的天数",
         "诉求办结后，企业在这么多天内可以重新打开。", _int_field(1, 365, "天数应在1至365之间。"), 7, int),
    Item("servicedesk_close_after_days", "servicedesk", "工作人员可代为关闭的天数",
         "诉求办结后企业这么多天未评价，工作人员可以关闭。", _int_field(1, 365, "天数应在1至365之间。"), 7, int),
    Item("servicedesk_due_soon_days", "servicedesk", "即将到期提醒（自然日）",
         "离办理期限不超过这么多天的诉求列为“即将到期”。", _int_field(1, 365, "天数应在1至365之间。"), 3, int),
    Item("sms_backend", "messaging", "短信发送方式",
         "console（只在服务器日志中打印，不外发）、file（写入数据目录下的文件）、短信网关地址，或发送类的完整路径。",
         _backend_field, "console", str, url=True),
    Item("wecom_backend", "messaging", "企业微信群机器人",
         "console、file、群机器人的 Webhook 地址，或发送类的完整路径。", _backend_field, "console", str, url=True),
    Item("dingtalk_backend", "messaging", "钉钉群机器人",
         "console、file、群机器人的 Webhook 地址，或发送类的完整路径。", _backend_field, "console", str, url=True),
    Item("webhook_url", "messaging", "诉求通知群机器人地址",
         "诉求办理的新诉求、超期提醒发往这个企业微信或钉钉群机器人；留空表示不发送。", _webhook_field, "", str,
         url=True),
    Item("reminder_days_before", "messaging", "活动提醒提前天数",
         "在活动开始前这么多天内（含当天）向已受邀且未谢绝的企业发送一次提醒。",
         _int_field(1, 30, "提前天数应在1至30之间。"), 1, int),
    Item("audit_retention_days", "retention", "审计日志保留天数",
         "审计日志至少保留这么多天，清理命令只能删除更早的记录；不得少于180天。",
         _int_field(180, 36500, "审计日志至少保留180天（至多36500天）。"), 180, int),
    Item("password_max_age_days", "security", "密码有效期（天）",
         "超过这么多天未修改密码的用户，登录后须先修改密码；0 表示密码永不过期。",
         _int_field(0, 3650, "密码有效期应在0至3650天之间（0 表示永不过期）。"), 90, int),
]}


# --- reading ----------------------------------------------------------------------------------

_cache: tuple[float, dict] | None = None
_cache_lock = threading.Lock()


def clear_cache(**kwargs) -> None:
    global _cache
    _cache = None


def _rows() -> dict:
    global _cache
    cached = _cache
    if cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    from .models import Setting

    with _cache_lock:
        rows = dict(Setting.objects.values_list("key", "value"))
        _cache = (time.monotonic(), rows)
    return rows


def locked() -> set[str]:
    """The keys the operator pinned with SHANGHUI_SETTINGS_LOCKED (keys or their environment names)."""
    text = getattr(settings, LOCK_VARIABLE, None)
    if text is None:
        text = os.environ.get(LOCK_VARIABLE, "")
    if not isinstance(text, str):
        text = ",".join(text)
    names = {name.strip().lower().removeprefix("shanghui_") for name in text.split(",")}
    return names & set(ITEMS)


def deployment_value(key: str):
    """The value without the page: the Django setting, else the environment variable, else the default."""
    item = ITEMS[key]
    value = getattr(settings, item.env, None)
    if value is not None:
        return value
    text = os.environ.get(item.env, "").strip()
    if text:
        try:
            return item.parse(text)
        except ValueError:
            pass  # a malformed variable: the default, as settings.py would have refused to start otherwise
    return item.default


def get(key: str):
    """The value of setting `key` (see the precedence in the module's docstring)."""
    if key not in ITEMS:
        raise KeyError(key)
    if key not in locked():
        rows = _rows()
        if key in rows:
            return rows[key]
    return deployment_value(key)


# --- tables of values kept on other apps' rows -----------------------------------------------


@dataclass(frozen=True)
class Table:
    """Values kept on an app's own rows (one per row), shown as a small table on the page.

    rows(user) → [(pk, label, value)], field() validates one value, save(by=, changes={pk: value})
    writes through the app's service (which audits); audited with `audit_object_type`'s rows whose
    changed fields include `audit_field`, for the page's history.
    """

    name: str
    group: str
    label: str
    column: str
    rows: Callable
    field: Callable[[], forms.Field]
    save: Callable
    audit_object_type: str
    audit_field: str


TABLES: dict[str, Table] = {}


def register_table(table: Table) -> Table:
    TABLES[table.name] = table
    return table


# --- writing ----------------------------------------------------------------------------------


def can_configure(user) -> bool:
    """The superuser or a federation admin (the same people who keep the service desk's categories).

    The settings are the deployment's, not a region's: in a city deployment every district federation
    admin could change them too; the operator pins what must not move (SHANGHUI_SETTINGS_LOCKED)."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or (user.role == Role.FEDERATION_ADMIN and user.region_id is not None)


DENIED = "只有工商联管理员可以修改系统设置。"


def mask(item: Item, value):
    """A value as the audit trail may keep it: a URL loses its query string and password (a robot's key)."""
    if not item.url or not isinstance(value, str) or not value.startswith(("http://", "https://")):
        return value
    parts = urlsplit(value)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = "***@" + netloc.rsplit("@", 1)[1]
    return urlunsplit((parts.scheme, netloc, parts.path, "***" if parts.query else "", ""))


def clean(key: str, value):
    """The value validated by the key's field; ValidationError({key: message}) otherwise."""
    try:
        return ITEMS[key].field().clean(value)
    except ValidationError as e:
        raise ValidationError({key: e.messages}) from None


@transaction.atomic
def setting_update(*, by, key: str, value):
    """Save `value` for `key` from the page; audits the old and new value. Returns the Setting, or None
    when the value does not change."""
    from .models import Setting

    if not can_configure(by):
        raise PermissionDenied(DENIED)
    if key not in ITEMS:
        raise ValidationError("没有这个设置项。")
    item = ITEMS[key]
    if key in locked():
        raise ValidationError({key: f"“{item.label}”由部署环境固定（{LOCK_VARIABLE}），不能在此修改。"})
    value = clean(key, value)
    old = get(key)
    if value == old:
        return None
    row, _ = Setting.objects.select_for_update().get_or_create(key=key)
    row.value, row.updated_by = value, by
    row.save()
    clear_cache()
    transaction.on_commit(clear_cache)
    record(by=by, action="setting_update", obj=row, fields=["value"],
           extra={"key": key, "label": item.label, "old": mask(item, old), "new": mask(item, value)})
    return row


def shown(value) -> str:
    return "（空）" if value in (None, "") else str(value)


def history(user, limit: int = 30):
    """The recent changes of the page's settings and tables, newest first, from the audit log."""
    from django.db.models import Q

    from shanghui.audit.models import AuditEvent

    tables = {t.audit_object_type: t for t in TABLES.values()}
    events = (AuditEvent.objects.visible_to(user)
              .filter(Q(action="setting_update") | Q(object_type__in=list(tables), action="update"))
              .order_by("-seq"))
    rows = []
    for event in events[: limit * 5]:
        if event.action == "setting_update":
            rows.append({"at": event.at, "by": event.actor_name, "what": event.extra.get("label", event.object_repr),
                         "old": shown(event.extra.get("old")), "new": shown(event.extra.get("new"))})
        elif tables[event.object_type].audit_field in event.fields:
            table = tables[event.object_type]
            rows.append({"at": event.at, "by": event.actor_name, "what": f"{table.label}：{event.object_repr}",
                         "old": "", "new": ""})
        if len(rows) >= limit:
            break
    return rows

