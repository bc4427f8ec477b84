"""The Django admin is the technical superuser's alone, and speaks Chinese (issue 18, item 5)."""

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import translation

from shanghui.accounts.models import User
from shanghui.audit.models import AuditEvent
from shanghui.testing import PASSWORD

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_HEADERS = ("Django 管理", "Django administration", "Django site admin", "Django 站点管理员")


def _chinese(text) -> bool:
    with translation.override("zh-hans"):
        return bool(CJK.search(str(text)))


def test_every_admin_model_and_every_app_of_the_project_has_a_chinese_name():
    missing = []
    for model in admin.site._registry:
        meta = model._meta
        for label in (meta.verbose_name, meta.verbose_name_plural, meta.app_config.verbose_name):
            if not _chinese(label):
                missing.append(f"{meta.label}: {label}")
    for config in apps.get_app_configs():
        if not config.name.startswith("shanghui."):
            continue
        if not _chinese(config.verbose_name):
            missing.append(f"app {config.label}: {config.verbose_name}")
        for model in config.get_models():
            for label in (model._meta.verbose_name, model._meta.verbose_name_plural):
                if not _chinese(label):
                    missing.append(f"{model._meta.label}: {label}")
    assert not missing, missing


def test_admin_index_for_the_superuser_has_the_platforms_chinese_header(cast):
    client = Client()
    client.force_login(cast.superuser)
    html = client.get(reverse("admin:index")).content.decode()
    assert "商会平台管理" in html and "系统管理" in html
    assert not [h for h in ENGLISH_HEADERS if h in html]
    # Django's own apps are listed in Chinese too (LANGUAGE_CODE zh-hans).
    assert "认证和授权" in html
    login = Client().get(reverse("admin:login")).content.decode()
    assert "商会平台管理" in login and not [h for h in ENGLISH_HEADERS if h in login]


def test_a_staff_flag_alone_opens_no_admin_page(cast):
    staff = User.objects.create_user("ops", password=PASSWORD, is_staff=True, role="street_worker",
                                     region=cast.street_a)
    client = Client()
    client.force_login(staff)
    for url in (reverse("admin:index"), reverse("admin:accounts_user_changelist"),
                reverse("admin:audit_auditevent_changelist")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login")), url


def test_the_admin_login_takes_superusers_only(cast):
    User.objects.create_user("ops", password=PASSWORD, is_staff=True, role="street_worker", region=cast.street_a)
    for username in ("ops", "admin", "auditor"):
        client = Client()
        response = client.post(reverse("admin:login"), {"username": username, "password": PASSWORD})
        assert response.status_code == 200 and "请输入系统管理员账号" in response.content.decode(), username
        assert "_auth_user_id" not in client.session
        assert AuditEvent.objects.filter(actor__username=username, action="page_refused", success=False,
                                         extra__page="admin:login").exists()
    client = Client()
    response = client.post(reverse("admin:login"), {"username": "root", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
