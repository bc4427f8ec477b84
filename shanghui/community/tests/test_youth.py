"""The youth association's growth and age profile, from memberships and birth dates."""

import datetime as dt
import random

from shanghui.community import kpis
from shanghui.directory.models import Membership, Person
from shanghui.testing import make_id_number


def _member(cast, name, birth, joined, left=None, region=None):
    person = Person(name=name, region=region or cast.street_b)
    person.set_id_number(make_id_number(random.Random(name), birth=birth))  # the birth date is read from it
    person.save()
    return Membership.objects.create(chamber=cast.youth, person=person, joined=joined, left=left)


def test_growth_counts_members_at_each_year_end_and_joins_and_leaves(cast):
    # The cast's member 赵青创 (street A) joined on 2018-01-01.
    _member(cast, "钱一", dt.date(1990, 5, 1), dt.date(2019, 3, 1))
    _member(cast, "孙二", dt.date(1985, 1, 1), dt.date(2019, 6, 1), left=dt.date(2020, 12, 31))
    _member(cast, "李三", dt.date(1995, 1, 1), dt.date(2020, 2, 1), left=dt.date(2020, 8, 1))
    growth = kpis.youth_growth(cast.admin, until=2021)
    assert growth == [(2018, 1, 1, 0), (2019, 3, 2, 0), (2020, 3, 1, 2), (2021, 2, 0, 0)]
    assert kpis.youth_size(cast.admin, dt.date(2020, 12, 31)) == 3
    assert kpis.youth_size(cast.admin, dt.date(2021, 1, 1)) == 2


def test_a_street_scope_counts_the_members_living_in_it(cast):
    _member(cast, "钱一", dt.date(1990, 5, 1), dt.date(2019, 3, 1), region=cast.street_b)
    assert kpis.youth_size(cast.worker_a, dt.date(2020, 1, 1)) == 1
    assert kpis.youth_size(cast.street_b, dt.date(2020, 1, 1)) == 1
    assert kpis.youth_size(cast.admin, dt.date(2020, 1, 1)) == 2
    assert kpis.youth_size(cast.auditor, dt.date(2020, 1, 1)) == 0


def test_age_profile_bands_by_the_age_reached_in_the_year(cast):
    Person.objects.filter(pk=cast.youth_member.pk).update(id_number_cipher="", id_number_digest=None)
    births = [dt.date(1996, 7, 1), dt.date(1995, 7, 1), dt.date(1995, 12, 31), dt.date(1990, 3, 3),
              dt.date(1988, 1, 1), dt.date(1986, 5, 5), dt.date(1982, 2, 2), dt.date(1980, 1, 1), dt.date(1970, 9, 9)]
    for i, birth in enumerate(births):
        _member(cast, f"会员{i}", birth, dt.date(2019, 3, 1))
    profile = dict(kpis.youth_age_profile(cast.admin, dt.date(2025, 1, 2)))
    # 1996 → 29; 1995 → 30 all year long, whatever the day; 1990 → 35; 1988, 1986 → 37, 39; 1982 → 43.
    assert profile == {"30岁以下": 1, "30–34岁": 2, "35–39岁": 3, "40–44岁": 1, "45岁及以上": 2, "出生日期不详": 1}
    # No day of a year tells a birthday: the profile is the same on every day of it.
    assert all(dict(kpis.youth_age_profile(cast.admin, day)) == profile
               for day in (dt.date(2025, 6, 30), dt.date(2025, 7, 1), dt.date(2025, 12, 31)))


def test_age_profile_of_fewer_than_ten_members_is_a_total_only(cast):
    _member(cast, "钱一", dt.date(1995, 7, 1), dt.date(2019, 3, 1))
    assert kpis.youth_age_profile(cast.admin, dt.date(2025, 6, 30)) == [("不足10人，不分年龄段", 2)]
    assert kpis.youth_age_profile(cast.worker_b, dt.date(2025, 6, 30)) == [("不足10人，不分年龄段", 1)]


def test_the_youth_page_and_export(cast, client):
    _member(cast, "钱一", dt.date(1990, 5, 1), dt.date(2019, 3, 1))
    client.force_login(cast.leader)
    page = client.get("/community/youth/", {"day": "2020-01-01"}).content.decode()
    assert "2020年1月1日的个人会员" in page and "2 人" in page and "<progress" in page
    csv = b"".join(client.get("/community/youth/export/", {"format": "csv"}).streaming_content).decode()
    assert csv.splitlines()[0].lstrip("\ufeff") == "年度,年末会员数,当年入会,当年退会"
    assert "2019,2,1,0" in csv
