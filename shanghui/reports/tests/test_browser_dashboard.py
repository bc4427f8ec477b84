"""The dashboard in a real browser: tiles, charts, the year and street selectors, a drill-down
and the export; on a projector-sized and a phone-sized screen."""

import pytest
from django.urls import reverse

from . import world

pytestmark = pytest.mark.django_db(transaction=True)


def test_admin_switches_year_and_street_follows_a_tile_and_downloads_the_export(cast, page, live_server, login):
    world.build(cast, 61)
    page.set_viewport_size({"width": 1920, "height": 1080})  # a projector
    login(page, cast.admin)
    # Home is the dashboard.
    assert page.url.rstrip("/").endswith(reverse("reports:dashboard").rstrip("/"))
    page.wait_for_selector("#chart-streets canvas")  # ECharts drew from the JSON data, no inline script
    assert page.locator("#street-table tbody tr").count() == 17

    page.fill("input[name=year]", "2018")
    page.select_option("select[name=street]", label=cast.street_a.name)
    page.get_by_role("button", name="查询").click()
    page.wait_for_url(lambda url: "year=2018" in url and f"street={cast.street_a.pk}" in url)
    assert page.locator("#street-table tbody tr").count() == 1
    assert cast.street_a.name in page.inner_text("#street-table")
    assert page.inner_text("#tile-member .stat-value").endswith("%")

    # The export of the table, as shown.
    with page.expect_download() as info:
        page.click("#export-xlsx")
    download = info.value
    assert download.suggested_filename.endswith(".xlsx") and "2018" in download.suggested_filename

    # A tile leads to its drill-down: the activities app's list of the same enterprises.
    page.click("#tile-member")
    page.wait_for_url(lambda url: "/activities/kpis/member/covered/" in url)
    assert "会员企业参与率" in page.inner_text("main")


def test_a_street_worker_on_a_phone_sees_her_street_stacked(cast, phone, login):
    world.build(cast, 62)
    login(phone, cast.worker_a)
    phone.wait_for_selector("#chart-streets canvas")
    assert phone.locator("#street-table tbody tr").count() == 1
    assert "景山街道" not in phone.inner_text("main")
    # Stacked: the tiles are one above the other, nothing wider than the screen.
    first = phone.locator(".dashboard-tile").nth(0).bounding_box()
    second = phone.locator(".dashboard-tile").nth(1).bounding_box()
    assert second["y"] > first["y"] and abs(second["x"] - first["x"]) < 2
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
