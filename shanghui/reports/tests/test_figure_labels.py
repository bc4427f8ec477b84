"""Each figure's label says exactly what is counted (issue 19, item 13): the honours tile's
"累计" stops at the chosen year, the youth tile says which day it counts, the statistics table says
its three "其中" columns overlap, and a street user's honours API counts what her dashboard counts."""

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from shanghui.honors import services as honors
from shanghui.honors.models import Level
from shanghui.reports import statistics
from shanghui.testing import api_headers, client_for

pytestmark = pytest.mark.django_db


def _honour(cast, year: int, **recipient):
    return honors.honor_create(by=cast.admin, title=f"{year}年度先进", level="district", issuer="东城区委",
                               year=year, **recipient)


def _tile(html: str, tile_id: str) -> str:
    start = html.index(f'id="{tile_id}"')
    return html[start:html.index("</a>", start)]


def test_the_honours_tile_counts_up_to_the_chosen_year(cast):
    _honour(cast, 2018, recipient_kind="enterprise", enterprise=cast.enterprise_a)
    _honour(cast, 2024, recipient_kind="enterprise", enterprise=cast.enterprise_a)
    _honour(cast, 2024, recipient_kind="enterprise", enterprise=cast.enterprise_b)
    client = client_for(cast, "admin")
    for year, total, that_year in ((2018, 1, 1), (2024, 3, 2), (2020, 1, 0)):
        tile = _tile(client.get(reverse("reports:dashboard"), {"year": year}).content.decode(), "tile-honours")
        assert f"截至{year}年累计" in tile
        assert f"{Level.DISTRICT.label} {total}" in tile, (year, tile)
        assert (f"{year}年当年：{Level.DISTRICT.label} {that_year}" in tile) if that_year else f"{year}年当年：无" in tile


def test_the_youth_tile_says_which_day_it_counts(cast):
    client = client_for(cast, "admin")
    this_year = timezone.localdate().year
    past = _tile(client.get(reverse("reports:dashboard"), {"year": this_year - 1}).content.decode(), "tile-youth")
    assert f"截至{this_year - 1}年末" in past
    now = _tile(client.get(reverse("reports:dashboard"), {"year": this_year}).content.decode(), "tile-youth")
    today = timezone.localdate()
    if today == dt.date(this_year, 12, 31):
        assert f"截至{this_year}年末" in now
    else:
        assert f"截至今天（{today.year}年{today.month}月{today.day}日）" in now and "年末" not in now


def test_the_statistics_table_says_its_columns_overlap(cast):
    target = io.BytesIO()
    statistics.write_xlsx(cast.district, 2018, target)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(target.getvalue())).get_sheet_by_index(0).to_python()
    header = rows[1]
    assert [h for h in header if str(h).startswith("其中：")] == [label for key, label in statistics.COLUMNS
                                                                 if key in ("own", "joint", "instructor")]
    assert any(statistics.OVERLAP_NOTE in str(cell) for row in rows for cell in row)


def test_a_street_users_honours_api_counts_what_her_dashboard_counts(cast):
    _honour(cast, 2018, recipient_kind="enterprise", enterprise=cast.enterprise_a)  # her street
    _honour(cast, 2018, recipient_kind="enterprise", enterprise=cast.enterprise_b)  # another street
    honors.honor_create(by=cast.admin, title="全国五好县级工商联", level="national", issuer="全国工商联", year=2018,
                        recipient_kind="federation", federation=cast.district)  # the district's own
    api = Client(**api_headers(cast, "worker_a")).get("/api/v1/honors/counts", {"year": 2018}).json()
    assert api["by_level"]["district"] == 1 and api["by_level"]["national"] == 0
    tile = _tile(client_for(cast, "worker_a").get(reverse("reports:dashboard"), {"year": 2018}).content.decode(),
                 "tile-honours")
    assert f"{Level.DISTRICT.label} 1" in tile and f"{Level.NATIONAL.label} 0" in tile
    # The district's figures include its own honour, on both sides too.
    admin = Client(**api_headers(cast, "admin")).get("/api/v1/honors/counts", {"year": 2018}).json()
    assert admin["by_level"]["district"] == 2 and admin["by_level"]["national"] == 1


def test_a_street_report_tells_a_dissolved_joint_committee_from_none(cast):
    import docx

    from shanghui.party import services as party
    from shanghui.party.models import Form
    from shanghui.party.models import Level as OrgLevel
    from shanghui.reports import annual

    def says(year: int) -> str:
        report = annual.gather(cast.street_a, year)
        buf = io.BytesIO()
        annual.render_docx(report, buf)
        text = "\n".join(p.text for p in docx.Document(buf).paragraphs)
        summary = "；".join(report["summary"])
        line = next(s for s in report["summary"] if "联合党委" in s)
        assert line in summary and f"{cast.street_a.name}商会联合党委{report['party']['joint_state']}。" in text
        return line

    assert says(2018).endswith("尚未建立")
    org = party.organization_create(by=cast.admin, name="东华门街道商会联合党委", level=OrgLevel.COMMITTEE,
                                    form=Form.JOINT, founded=dt.date(2015, 1, 1), host_chamber=cast.chamber_a)
    assert says(2018).endswith("已建立")
    party.organization_update(by=cast.admin, organization=org, dissolved=dt.date(2017, 6, 30))
    assert says(2017).endswith("已建立")  # active for half of 2017
    assert "已于2017年6月30日撤销" in says(2018) and "尚未建立" not in says(2018)


def test_the_report_numbers_only_the_headings_it_prints(cast):
    """A year with nothing in a conditional section or sub-section must not skip a numeral."""
    import docx

    from shanghui.reports import annual

    report = annual.gather(cast.street_a, 2011)  # nothing recorded: no honours, requests, youth, training
    buf = io.BytesIO()
    annual.render_docx(report, buf)
    headings = [p.text for p in docx.Document(buf).paragraphs if p.style.name.startswith("Heading")]
    top = [h[0] for h in headings if len(h) > 1 and h[1] == "、"]
    assert top == list(annual.NUMERALS[:len(top)]), headings
    subs = [h[:3] for h in headings if h.startswith("（")]
    education = [h for h in headings if h.endswith(("历年培训人次", "品牌活动", "全年活动"))]
    assert education and education[0].startswith("（一）"), headings
    assert all(s[1] in annual.NUMERALS for s in subs)
