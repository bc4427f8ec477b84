"""One enterprise's part in the participation rates (its home page) agrees with the figures themselves."""

import pytest

from shanghui.activities import kpis, services
from shanghui.core.kpis import Period

from .conftest import at


def _in(qs, enterprise) -> bool:
    return qs.filter(pk=enterprise.pk).exists()


@pytest.mark.parametrize("year", [2018, 2019])
def test_each_enterprise_counts_exactly_where_the_figures_count_it(world, year):
    cast = world.cast
    # A member whose only attendance that year is at a meeting (no education).
    meeting = services.activity_create(by=cast.admin, title="东华门会员大会", kind="meeting", region=cast.street_a,
                                       start=at(2018, 2, 1), end=at(2018, 2, 1, 11))
    services.attendance_add(by=cast.admin, activity=meeting, person=cast.youth_member, enterprise=world.left_mid)
    period = Period.year(year)
    for scope in (cast.district, cast.street_a):
        member = kpis.member_participation(scope, period)
        district = kpis.district_participation(scope, period)
        for e in (cast.enterprise_a, cast.enterprise_b, world.joined_mid, world.left_mid, world.former, world.old_job,
                  world.new_job, world.cancelled_only, world.b_plain):
            if not e.region.path.startswith(scope.path):
                continue
            p = kpis.enterprise_participation(e, year)
            assert p["member_counted"] == _in(member.covered, e), (e, year)
            assert p["member"] == (_in(member.covered, e) or _in(member.missing, e)), (e, year)
            assert p["district"] == _in(district.covered, e), (e, year)
            assert p["active"] == (_in(district.covered, e) or _in(district.missing, e)), (e, year)


def test_what_the_home_page_says_for_the_typical_cases(world):
    cast = world.cast
    meeting = services.activity_create(by=cast.admin, title="东华门会员大会", kind="meeting", region=cast.street_a,
                                       start=at(2018, 2, 1), end=at(2018, 2, 1, 11))
    services.attendance_add(by=cast.admin, activity=meeting, person=cast.youth_member, enterprise=world.left_mid)

    def get(e):
        p = kpis.enterprise_participation(e, 2018)
        return p["member"], p["attended"], p["district"], p["member_counted"]

    assert get(cast.enterprise_a) == (True, True, True, True)  # member, attended education
    assert kpis.enterprise_participation(cast.enterprise_a, 2018)["chambers"] == ["东华门街道商会"]
    assert get(world.left_mid) == (True, False, False, False)  # member, only a meeting
    assert get(world.old_job) == (False, True, True, False)  # no member, attended education
    assert get(world.cancelled_only) == (True, False, False, False)  # only the cancelled education day
    assert get(world.former) == (False, True, True, False)  # membership ended the year before
