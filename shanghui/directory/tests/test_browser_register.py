"""The street worker's everyday path through the register, in a real browser."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=True)


def test_street_worker_finds_enterprise_by_pinyin_and_cannot_open_another_streets(cast, page, live_server, login):
    login(page, cast.worker_a)
    page.goto(live_server.url + reverse("directory:enterprise_list"))
    # 东华门文化传媒有限公司 → initials dhmwhcmyxgs
    page.fill("input[name=q]", "dhmwh")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "q=dhmwh" in url)
    link = page.get_by_role("link", name=cast.enterprise_a.name)
    assert link.count() == 1
    assert page.get_by_text(cast.enterprise_b.name).count() == 0
    link.click()
    page.wait_for_url(lambda url: url.rstrip("/").endswith(f"/{cast.enterprise_a.pk}"))
    assert cast.enterprise_a.uscc in page.content()
    # The other street's enterprise: the same answer as a page that does not exist.
    response = page.goto(live_server.url + reverse("directory:enterprise_detail", args=[cast.enterprise_b.pk]))
    assert response.status == 404
    assert cast.enterprise_b.name not in page.content()
