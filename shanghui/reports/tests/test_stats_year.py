"""One 统计年度 for every statistics page: remembered per user, defaulting to SHANGHUI_DEFAULT_YEAR or this year."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from shanghui.accounts import services
from shanghui.audit.models import AuditEvent
from shanghui.core.kpis import Period, stats_period, stats_year
from shanghui.testing import client_for


def test_the_default_is_the_setting_else_this_year(cast, settings):
    settings.SHANGHUI_DEFAULT_YEAR = None
    assert stats_year(cast.worker_a) == timezone.localdate().year
    assert stats_period(cast.worker_a) == Period(dt.date(timezone.localdate().year, 1, 1), timezone.localdate())
    settings.SHANGHUI_DEFAULT_YEAR = 2018
    assert stats_year(cast.worker_a) == 2018
    assert stats_period(cast.worker_a) == Period.year(2018)
    cast.worker_a.stats_year = 2017
    assert stats_year(cast.worker_a) == 2017


def test_picking_a_year_is_remembered_and_audited_and_a_bad_one_refused(cast):
    client = client_for(cast, "worker_a")
    page = reverse("party:compliance")
    response = client.post(reverse("accounts:stats_year"), {"year": "2018", "next": f"{page}?year=2020"})
    assert response.status_code == 302 and response.url == page  # the page's own year would hide the new one
    cast.worker_a.refresh_from_db()
    assert cast.worker_a.stats_year == 2018
    assert AuditEvent.objects.filter(action="update", object_id=str(cast.worker_a.pk), fields=["stats_year"]).count() == 1
    client.post(reverse("accounts:stats_year"), {"year": "1800", "next": page})
    cast.worker_a.refresh_from_db()
    assert cast.worker_a.stats_year == 2018


def test_every_statistics_page_starts_from_the_remembered_year(cast, settings):
    settings.SHANGHUI_DEFAULT_YEAR = 2020
    services.user_set_stats_year(by=cast.worker_a, year=2018)
    client = client_for(cast, "worker_a")
    year_box = 'name="year" value="2018"'
    assert year_box in client.get(reverse("reports:dashboard")).content.decode()
    assert year_box in client.get(reverse("activities:dashboard")).content.decode()
    assert year_box in client.get(reverse("party:compliance")).content.decode()
    for url in (reverse("party:dashboard"), reverse("servicedesk:kpis")):
        page = client.get(url).content.decode()
        assert 'value="2018-01-01"' in page and 'value="2018-12-31"' in page, url
    # The selector in the navigation bar shows it too; another user still gets the setting's year.
    assert '<option value="2018" selected>' in client.get(reverse("party:compliance")).content.decode()
    assert 'name="year" value="2020"' in client_for(cast, "worker_b").get(reverse("party:compliance")).content.decode()


def test_a_year_without_data_says_so_instead_of_drawing_empty_charts(cast):
    services.user_set_stats_year(by=cast.admin, year=2011)
    page = client_for(cast, "admin").get(reverse("reports:dashboard")).content.decode()
    assert page.count("该年度暂无数据。") == 4  # streets, training, trend, departments
    for chart in ("chart-streets", "chart-training", "chart-trend", "chart-departments"):
        assert f'id="{chart}"' not in page
    assert "2011年当年：无" in page  # the honours tile, never a bare "2011年："
