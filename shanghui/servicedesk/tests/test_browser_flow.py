"""A request's whole life in a real browser: the enterprise files it on a phone, the street worker
assigns it, the market handler resolves it, and the enterprise rates it (on the phone again)."""

import pytest
from django.urls import reverse

from shanghui.servicedesk.models import ServiceRequest, State

pytestmark = pytest.mark.django_db(transaction=True)


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_enterprise_files_worker_assigns_handler_resolves_enterprise_rates(desk, phone, page, live_server, login):
    c = desk.cast
    # 1. The enterprise files from its phone.
    login(phone, c.enterprise_user_a)
    phone.goto(live_server.url + reverse("servicedesk:index"))
    assert "我的诉求" in phone.inner_text("h1")
    phone.get_by_role("link", name="新增").click()
    assert fits(phone)
    phone.select_option("select[name=category]", label="证照审批")
    phone.fill("input[name=title]", "食品经营许可证延续")
    phone.fill("textarea[name=description]", "许可证下月到期，想了解延续需要准备哪些材料。")
    phone.select_option("select[name=contact_preference]", "online")
    phone.set_input_files("input[name=attachments]", files=[
        {"name": "许可证.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 licence"}])
    phone.get_by_role("button", name="提交").click()
    phone.wait_for_selector("#request-state")
    assert phone.inner_text("#request-state") == "已提交"
    assert "许可证.pdf" in phone.content() and fits(phone)
    req = ServiceRequest.objects.get(title="食品经营许可证延续")

    # 2. The street worker assigns it to market regulation and its handler.
    login(page, c.worker_a)
    page.goto(live_server.url + reverse("servicedesk:detail", args=[req.pk]))
    page.select_option("#action-assign select[name=department]", label="市场监管")
    page.select_option("#action-assign select[name=handler]", str(c.handler_a.pk))
    page.fill("#action-assign input[name=note]", "请市场监管所协助办理")
    page.click("#action-assign button[type=submit]")
    page.wait_for_selector("text=已交办")
    assert page.inner_text("#request-state") == "办理中"
    assert "市场监管" in page.inner_text("#request-department")

    # 3. The handler resolves it.
    login(page, c.handler_a)
    page.goto(live_server.url + reverse("servicedesk:index"))
    page.get_by_role("link", name="食品经营许可证延续").click()
    page.fill("#action-resolve textarea[name=resolution]", "已告知所需材料，可在线提交延续申请。")
    page.click("#action-resolve button[type=submit]")
    page.wait_for_selector("text=已办结。")
    assert page.inner_text("#request-state") == "已办结"

    # 4. The enterprise rates it on the phone, which closes it.
    login(phone, c.enterprise_user_a)
    phone.goto(live_server.url + reverse("servicedesk:notifications"))
    phone.get_by_role("link", name="已办结").first.click()
    phone.check("#action-rate input[name=satisfaction][value='5']")
    phone.fill("#action-rate input[name=comment]", "办理很快，谢谢！")
    phone.click("#action-rate button[type=submit]")
    phone.wait_for_selector("#request-satisfaction")
    assert phone.inner_text("#request-state") == "已关闭"
    assert "5分" in phone.inner_text("#request-satisfaction") and fits(phone)
    req.refresh_from_db()
    assert (req.state, req.satisfaction, req.handler) == (State.CLOSED, 5, c.handler_a)
    assert list(req.events.values_list("to_state", flat=True)) == ["submitted", "assigned", "resolved", "closed"]
