"""Chinese words for what the audit log stores as codes: actions, object types, export formats
and the details kept in `extra`, so the log page and its export never show `notice_start` or
`reports.dashboard`. The audit app is a base layer and cannot know every app's vocabulary:
apps add theirs in `AppConfig.ready()` through `register()`. `audit/tests/test_labels.py`
checks that every action and object type the code writes has a label."""

from django.apps import apps

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
    "import_interrupted": "导入中断",
    "search_rebuild": "重建搜索索引",
}

# Object types that are not models: pages, reports and import kinds that an event names.
OBJECT_LABELS: dict[str, str] = {
    "demo": "演示数据",
    "core.backup": "数据备份",
    "core.search": "搜索索引",
    # Events written before the holiday calendar moved to orgs (orgs/migrations/0003) keep their old name.
    "servicedesk.holiday": "本区节假日调整",
}

FORMAT_LABELS = {"xlsx": "Excel", "csv": "CSV", "docx": "Word", "pdf": "PDF", "stats": "统计表"}
PERSONAL_FIELD_LABELS = {"id_number": "身份证号码", "mobile": "手机号码"}


def register(*, actions: dict[str, str] | None = None, objects: dict[str, str] | None = None) -> None:
    """An app's own action and object-type labels (called from its AppConfig.ready)."""
    for action, label in (actions or {}).items():
        ACTION_LABELS.setdefault(action, label)
    for object_type, label in (objects or {}).items():
        OBJECT_LABELS.setdefault(object_type, label)


def _model(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action) or f"其他操作（{action}）"


def object_label(object_type: str) -> str:
    """'directory.person' → '人员' (the model's verbose name); 'reports.dashboard' → '工作看板'."""
    if not object_type:
        return ""
    if object_type in OBJECT_LABELS:
        return OBJECT_LABELS[object_type]
    model = _model(object_type)
    return str(model._meta.verbose_name) if model else f"其他对象（{object_type}）"


def field_labels(event) -> str:
    """The changed field names in Chinese where the model names them ('mobile' → '手机号码')."""
    model = _model(event.object_type or "")
    labels = []
    for name in event.fields or []:
        try:
            labels.append(str(model._meta.get_field(name).verbose_name) if model else name)
        except Exception:  # not a model field (e.g. id_number, kept encrypted under another column)
            labels.append(PERSONAL_FIELD_LABELS.get(name, name))
    return "、".join(labels)


def unlabelled(seen) -> set[str]:
    """The actions and object types among `seen` ((action, object_type) pairs) without a label."""
    missing = {f"action:{action}" for action, _ in seen if action not in ACTION_LABELS}
    missing |= {f"object:{kind}" for _, kind in seen if object_label(kind).startswith("其他对象")}
    return missing


def _number(value) -> str:
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)


def detail(event) -> str:
    """One line saying what the event carried, from the parts it has: never an empty "（， 行）"."""
    extra = event.extra or {}
    parts = []
    if fields := field_labels(event):
        parts.append(f"字段：{fields}")
    if event.action in ("import", "import_dry_run") and "total" in extra:
        counts = [f"{label}{_number(extra[key])}行" for key, label in
                  (("total", "共"), ("new", "新增"), ("updated", "更新"), ("unchanged", "未变"), ("error", "有误"))
                  if extra.get(key) is not None]
        parts.append("，".join(counts))
        if extra.get("file"):
            parts.append(f"文件：{extra['file']}")
    else:
        facts = []
        if extra.get("format"):
            facts.append(FORMAT_LABELS.get(extra["format"], str(extra["format"]).upper()))
        if isinstance(extra.get("rows"), int) and event.action != "audit_purge":
            facts.append(f"{_number(extra['rows'])} 行")
        if extra.get("year"):
            facts.append(f"{extra['year']}年度")
        title = extra.get("title") or ""
        if title or facts:
            parts.append(title + (f"（{'，'.join(facts)}）" if facts else ""))
    if extra.get("username"):
        parts.append(f"账号：{extra['username']}")
    if event.action == "setting_update":
        old, new = extra.get("old"), extra.get("new")
        parts.append(f"{'（空）' if old in (None, '') else old} → {'（空）' if new in (None, '') else new}")
    if extra.get("floor_seq"):
        parts.append(f"清理 {extra.get('before', '')} 之前 {_number(extra.get('rows', 0))} 条，检查点第 {extra['floor_seq']} 条")
    if event.action == "page_refused" and extra.get("page"):
        parts.append(f"页面：{extra['page']}")
    return "；".join(p for p in parts if p)
