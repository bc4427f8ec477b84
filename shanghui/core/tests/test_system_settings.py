"""系统设置 (core/config.py, core:settings): each group saves and takes effect, bad values change nothing,
only the federation admin opens it, every change is audited (a robot's key never), a pinned key is read-only."""

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from shanghui.accounts.policy import password_change_due
from shanghui.audit import chain
from shanghui.audit.models import AuditEvent
from shanghui.core import config
from shanghui.core.kpis import stats_year
from shanghui.core.models import Setting
from shanghui.messaging import outbox
from shanghui.messaging.models import Channel
from shanghui.orgs import workdays
from shanghui.servicedesk import conf as servicedesk_conf
from shanghui.servicedesk import services as servicedesk_services
from shanghui.servicedesk.models import Category
from shanghui.servicedesk.seed import load_categories
from shanghui.testing import client_for

URL = "/settings/"


def page_data(client, **changes) -> dict:
    """The page's form as it stands (every field's shown value), with `changes` typed over it."""
    form = client.get(reverse("core:settings")).context["form"]
    data = {name: "" if form[name].value() is None else form[name].value()
            for name in form.fields if not form.fields[name].disabled}
    return {**data, **changes}


def save(client, **changes):
    return client.post(reverse("core:settings"), page_data(client, **changes))


def test_the_page_is_core_settings():
    assert reverse("core:settings") == URL


def test_the_default_year_saved_on_the_page_wins_over_the_environment(cast, settings):
    settings.SHANGHUI_DEFAULT_YEAR = 2018
    assert stats_year(cast.worker_a) == 2018
    response = save(client_for(cast, "admin"), default_year="2019")
    assert response.status_code == 302 and response.url == URL
    assert stats_year(cast.worker_a) == 2019
    cast.worker_a.stats_year = 2017  # his own pick still wins
    assert stats_year(cast.worker_a) == 2017
    # Cleared on the page: the current year, not the environment's 2018.
    save(client_for(cast, "admin"), default_year="")
    assert stats_year(cast.admin) == timezone.localdate().year


def test_the_sms_backend_set_to_file_sends_to_the_file(cast, settings, tmp_path):
    settings.SHANGHUI_MESSAGES_DIR = str(tmp_path)
    save(client_for(cast, "admin"), sms_backend="file")
    outbox.enqueue(channel=Channel.SMS, text="明天上午开会", recipient="13800138000")
    call_command("deliver_outbox", stdout=open("/dev/null", "w"))
    lines = (tmp_path / "sms.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["text"] for line in lines] == ["明天上午开会"]


def test_the_sla_of_a_category_saved_in_the_table_sets_the_next_deadline(cast):
    category = load_categories()[0]
    new_limit = category.time_limit + 3
    save(client_for(cast, "admin"), **{f"sla_{category.pk}": str(new_limit)})
    category.refresh_from_db()
    assert category.time_limit == new_limit
    req = servicedesk_services.request_file(by=cast.enterprise_user_a, enterprise=cast.enterprise_a,
                                            category=category, title="咨询", description="营业执照如何变更？")
    assert req.deadline == workdays.deadline(timezone.localdate(), new_limit)
    event = AuditEvent.objects.filter(object_type="servicedesk.category", object_id=str(category.pk)).get()
    assert event.fields == ["time_limit"]


def test_the_service_desk_days_retention_and_password_expiry_take_effect(cast, settings):
    settings.SHANGHUI_PASSWORD_MAX_AGE_DAYS = 0
    user = cast.worker_a
    user.password_changed_at = timezone.now() - dt.timedelta(days=40)
    user.save()
    assert password_change_due(user) == ""
    save(client_for(cast, "admin"), servicedesk_reopen_days="12", audit_retention_days="400",
         password_max_age_days="30")
    assert servicedesk_conf.reopen_days() == 12
    assert chain.retention_days() == 400
    assert password_change_due(user) != ""
    with pytest.raises(ValidationError, match="至少保留 400 天"):
        chain.purge(before=timezone.localdate() - dt.timedelta(days=300))


@pytest.mark.parametrize("field, value, message", [
    ("default_year", "1999", "统计年度应在2000至2100之间"),
    ("servicedesk_due_soon_days", "0", "天数应在1至365之间"),
    ("audit_retention_days", "90", "审计日志至少保留180天"),
    ("sms_backend", "ftp://gateway", "请填写 console、file"),
    ("wecom_backend", "no.such.module.Backend", "由系统管理员在部署环境中设置"),
    ("dingtalk_backend", "collections.OrderedDict", "由系统管理员在部署环境中设置"),
    ("webhook_url", "robot", "http:// 或 https://"),
    ("password_max_age_days", "abc", "请填写整数"),
    ("sla", "0", "办理时限应在1至365个工作日之间"),
])
def test_a_bad_value_is_refused_with_a_message_and_nothing_is_written(cast, field, value, message):
    category = load_categories()[0]
    client = client_for(cast, "admin")
    name = f"sla_{category.pk}" if field == "sla" else field
    # A good change beside the bad one is not saved either.
    response = save(client, **{name: value, "reminder_days_before": "5"})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "所有设置均未保存" in response.content.decode()
    assert not Setting.objects.exists() and config.get("reminder_days_before") == 1
    assert Category.objects.get(pk=category.pk).time_limit == category.time_limit
    assert not AuditEvent.objects.filter(action__in=["setting_update", "update"]).exists()


def test_only_the_federation_admin_and_the_superuser_open_the_page(cast):
    for who in ("admin", "superuser"):
        assert client_for(cast, who).get(URL).status_code == 200
    for who in ("worker_a", "leader", "auditor", "handler_a", "instructor_a", "enterprise_user_a"):
        client = client_for(cast, who)
        assert client.get(URL).status_code == 403
        assert client.post(URL, {"default_year": "2019"}).status_code == 403
    assert not Setting.objects.exists()
    with pytest.raises(PermissionDenied):
        config.setting_update(by=cast.worker_a, key="default_year", value=2019)


def test_the_menu_shows_the_page_to_the_federation_admin_only(cast):
    link = f'href="{URL}"'
    assert link in client_for(cast, "admin").get(reverse("audit:event_list")).content.decode()
    assert link not in client_for(cast, "auditor").get(reverse("audit:event_list")).content.decode()


def test_every_change_is_audited_with_old_and_new_values_and_listed_on_the_page(cast, settings):
    settings.SHANGHUI_DEFAULT_YEAR = 2018
    client = client_for(cast, "admin")
    save(client, default_year="2019")
    event = AuditEvent.objects.get(action="setting_update")
    assert event.actor == cast.admin and event.extra["key"] == "default_year"
    assert (event.extra["old"], event.extra["new"]) == (2018, 2019)
    assert Setting.objects.get(key="default_year").updated_by == cast.admin
    page = client.get(URL).content.decode()
    assert "默认统计年度" in page and "2018 → 2019" in page
    save(client)  # nothing changed: nothing written
    assert AuditEvent.objects.filter(action="setting_update").count() == 1


def test_a_robots_key_never_reaches_the_audit_log(cast):
    url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=secret-robot-key"
    save(client_for(cast, "admin"), webhook_url=url, wecom_backend="https://oapi.example.com/robot?access_token=tok123")
    assert config.get("webhook_url") == url  # the desk uses the whole URL
    events = AuditEvent.objects.filter(action="setting_update")
    assert events.count() == 2
    stored = json.dumps([e.extra for e in events], ensure_ascii=False)
    assert "secret-robot-key" not in stored and "tok123" not in stored
    assert "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?***" in stored
    history = client_for(cast, "admin").get(URL).content.decode().split("最近的修改")[1]
    assert "secret-robot-key" not in history


def test_a_key_pinned_by_the_operator_is_read_only(cast, settings):
    settings.SHANGHUI_SETTINGS_LOCKED = "SHANGHUI_SMS_BACKEND, default_year"
    settings.SHANGHUI_DEFAULT_YEAR = 2018
    Setting.objects.create(key="default_year", value=2030)  # saved before the operator pinned it
    config.clear_cache()
    assert config.get("default_year") == 2018
    client = client_for(cast, "admin")
    form = client.get(URL).context["form"]
    assert form.fields["sms_backend"].disabled and form.fields["default_year"].disabled
    assert not form.fields["wecom_backend"].disabled
    assert "由部署环境固定" in client.get(URL).content.decode()
    response = client.post(URL, {**page_data(client), "sms_backend": "file", "default_year": "2019"})
    assert response.status_code == 302
    assert config.get("sms_backend") == "console" and config.get("default_year") == 2018
    assert not AuditEvent.objects.filter(action="setting_update").exists()
    with pytest.raises(ValidationError, match="由部署环境固定"):
        config.setting_update(by=cast.admin, key="sms_backend", value="file")


def test_a_sender_class_is_named_by_the_operator_not_on_the_page(cast, settings):
    client = client_for(cast, "admin")
    response = client.post(URL, {**page_data(client), "sms_backend": "shanghui.messaging.backends.FileBackend"})
    assert "由系统管理员在部署环境中设置" in response.content.decode()
    assert config.get("sms_backend") == "console"
    settings.SHANGHUI_SMS_BACKEND = "shanghui.messaging.backends.FileBackend"  # the deployment's value holds
    assert config.get("sms_backend") == "shanghui.messaging.backends.FileBackend"


def test_without_a_row_the_django_setting_then_the_environment_then_the_default(db, settings, monkeypatch):
    monkeypatch.delenv("SHANGHUI_SERVICEDESK_DUE_SOON_DAYS", raising=False)
    assert config.get("servicedesk_due_soon_days") == 3
    monkeypatch.setenv("SHANGHUI_SERVICEDESK_DUE_SOON_DAYS", "5")
    assert config.get("servicedesk_due_soon_days") == 5
    settings.SHANGHUI_SERVICEDESK_DUE_SOON_DAYS = 6
    assert config.get("servicedesk_due_soon_days") == 6
