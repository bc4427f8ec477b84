"""The demo data set's community, youth and library parts (shanghui/demo/community.py, library.py)."""

import datetime as dt

import pytest

from shanghui.community import kpis
from shanghui.community.models import MASKED_RE, AidRecord, Contribution, Project
from shanghui.demo.generator import generate
from shanghui.library.models import Document
from shanghui.orgs.models import Region


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    generate(seed=3, enterprises=120)
    return Region.objects.get(code="110101")


def test_demo_projects_youth_growth_and_documents(demo):
    # One test: generating the data set is the slow part.
    _projects_with_contributions_and_thirty_masked_aid_records(demo)
    _youth_association_grew_past_160_members_over_five_years(demo)
    _documents_are_found_by_a_word_in_their_body()


def _projects_with_contributions_and_thirty_masked_aid_records(demo):
    titles = set(Project.objects.values_list("title", flat=True))
    assert any("南锣" in t for t in titles) and any("簋街" in t for t in titles)
    assert any("百街千巷" in t for t in titles) and any("手拉手" in t for t in titles)
    assert Project.objects.filter(kind="assistance").exclude(partner_area="").exists()
    assert Contribution.objects.filter(enterprise__isnull=False).exists()
    assert Contribution.objects.filter(chamber__isnull=False).exists()
    totals = kpis.totals_by_kind(demo)
    assert totals["money"] > 0 and totals["volunteer"] > 0
    assert AidRecord.objects.count() == 30
    assert all(MASKED_RE.match(n) for n in AidRecord.objects.values_list("masked_name", flat=True))


def _youth_association_grew_past_160_members_over_five_years(demo):
    growth = {year: members for year, members, _, _ in kpis.youth_growth(demo, until=2018)}
    assert growth[2018] >= 160
    assert min(growth) <= 2014  # founded in 2013: five years and more to 2018
    assert kpis.youth_size(demo, dt.date(2018, 12, 31)) == growth[2018]


def _documents_are_found_by_a_word_in_their_body():
    assert Document.objects.count() == 6
    found = set(Document.objects.search("联合党委").values_list("title", flat=True))
    assert "关于街道商会联合党委工作的指导意见（试行）" in found
    assert Document.objects.search("商会").count() >= 4
    doc = Document.objects.get(title__startswith="关于街道商会")
    with doc.file.open("rb") as f:
        assert f.read(2) == b"PK"
