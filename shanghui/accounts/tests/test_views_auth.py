import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from shanghui.accounts.views import _next_url
from shanghui.audit.models import AuditEvent
from shanghui.testing import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_names_the_product(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert "商会 · 区工商联党建引领工作平台" in html and 'name="password"' in html


def test_login_with_the_right_password_goes_home(client, cast):
    response = client.post(reverse("accounts:login"), {"username": "worker_a", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert AuditEvent.objects.filter(action="login", actor=cast.worker_a).exists()


def test_login_with_a_wrong_password_is_refused_in_chinese(client, cast):
    response = client.post(reverse("accounts:login"), {"username": "worker_a", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()
    assert AuditEvent.objects.filter(action="login_failed").exists()


def test_logout_takes_a_post_only(client, cast):
    client.force_login(cast.worker_a)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response["Location"] == reverse("accounts:login")
    assert client.get(reverse("home")).status_code == 302


def test_password_change(client, cast):
    client.force_login(cast.worker_a)
    url = reverse("accounts:password_change")
    response = client.post(url, {"old_password": PASSWORD, "new_password1": "Xin@mima2026",
                                 "new_password2": "Xin@mima2026"}, follow=True)
    assert "密码已修改" in response.content.decode()
    cast.worker_a.refresh_from_db()
    assert cast.worker_a.check_password("Xin@mima2026")


def test_password_change_refuses_a_wrong_old_password(client, cast):
    client.force_login(cast.worker_a)
    response = client.post(reverse("accounts:password_change"), {
        "old_password": "nope", "new_password1": "Xin@mima2026", "new_password2": "Xin@mima2026"})
    assert response.status_code == 200 and response.context["form"].has_error("old_password")
    cast.worker_a.refresh_from_db()
    assert cast.worker_a.check_password(PASSWORD)


@pytest.mark.parametrize("target", ["118*****24", "home", "//evil.example/x", "https://evil.example/", "javascript:x"])
def test_a_next_that_is_no_path_on_this_site_goes_home(cast, target):
    # Every view that goes back to ?next= (the 统计年度 selector, the second factor) shares one rule: a bare
    # word must not be taken for a view name (a 500), an address elsewhere must not be followed.
    assert _next_url(RequestFactory().post("/", {"next": target})) == reverse("home")
    assert _next_url(RequestFactory().get("/", {"next": "/party/?year=2018"})) == "/party/?year=2018"
    client = Client()
    client.force_login(cast.worker_a)
    response = client.post(reverse("accounts:stats_year"), {"year": "2018", "next": target})
    assert response.status_code == 302 and response["Location"] == reverse("home")
