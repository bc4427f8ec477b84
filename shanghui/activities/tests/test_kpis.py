"""Every KPI on the hand-built world of conftest.py, with the answers worked out here.

Active enterprises in 2018 (none has a founding date or a closure): street A has 7 — enterprise_a,
joined_mid, left_mid, former, old_job, new_job, cancelled_only — and street B 2 — enterprise_b, b_plain.
"""

from decimal import Decimal

from shanghui.activities import kpis
from shanghui.activities.models import ActivitySeries
from shanghui.core.kpis import Period

Y2018 = Period.year(2018)


def names(qs) -> set[str]:
    return set(qs.values_list("name", flat=True))


def test_member_participation_counts_members_of_any_part_of_the_year(world):
    c = world.cast
    f = kpis.member_participation(c.district, Y2018)
    # Members in 2018: enterprise_a, enterprise_b, joined_mid (from July), left_mid (until March),
    # cancelled_only. former left on 2017-12-31. Took part: enterprise_a (3-10), enterprise_b and
    # joined_mid (10-01). left_mid never did; cancelled_only only at the cancelled activity.
    assert (f.numerator, f.denominator, f.rate) == (3, 5, Decimal("60.0"))
    assert names(f.covered) == {c.enterprise_a.name, c.enterprise_b.name, world.joined_mid.name}
    assert names(f.missing) == {world.left_mid.name, world.cancelled_only.name}


def test_district_participation_counts_each_enterprise_a_person_represented_at_the_time(world):
    c = world.cast
    f = kpis.district_participation(c.district, Y2018)
    # 王换岗 represented old_job on 3-10 and new_job on 10-01: both took part. former (no longer a
    # member) counts here. b_plain's activity began at 00:30 on 2019-01-01 Beijing time: 2019.
    assert (f.numerator, f.denominator) == (6, 9)
    assert f.rate == Decimal("66.7")
    assert names(f.covered) == {c.enterprise_a.name, c.enterprise_b.name, world.joined_mid.name, world.former.name,
                                world.old_job.name, world.new_job.name}
    assert names(f.missing) == {world.left_mid.name, world.cancelled_only.name, world.b_plain.name}


def test_next_year_counts_only_that_years_activities(world):
    c = world.cast
    member = kpis.member_participation(c.district, Period.year(2019))
    assert (member.numerator, member.denominator) == (0, 4)  # left_mid has gone; nobody took part
    district = kpis.district_participation(c.district, Period.year(2019))
    assert (district.numerator, district.denominator) == (1, 9)
    assert names(district.covered) == {world.b_plain.name}


def test_a_street_sees_its_own_figures_and_the_streets_add_up_to_the_district(world):
    c = world.cast
    a_member = kpis.member_participation(c.street_a, Y2018)
    assert (a_member.numerator, a_member.denominator) == (2, 4)
    worker = kpis.district_participation(c.worker_a, Y2018)  # a user's scope: her street
    assert (worker.numerator, worker.denominator) == (5, 7)
    rows = kpis.by_street(c.district, Y2018)
    assert len(rows) == 17
    by_code = {r.street.code: r for r in rows}
    assert by_code["110101001"].member == (2, 4) and by_code["110101002"].member == (1, 1)
    assert by_code["110101001"].district == (5, 7) and by_code["110101002"].district == (1, 2)
    assert by_code["110101001"].training == 2 and by_code["110101002"].training == 1
    district_member = kpis.member_participation(c.district, Y2018)
    district_all = kpis.district_participation(c.district, Y2018)
    assert sum(r.member[0] for r in rows) == district_member.numerator
    assert sum(r.member[1] for r in rows) == district_member.denominator
    assert sum(r.district[0] for r in rows) == district_all.numerator
    assert sum(r.district[1] for r in rows) == district_all.denominator
    assert sum(r.training for r in rows) == kpis.training(c.district, Y2018).count


def test_invitations_list_the_members_that_have_not_taken_part(world):
    c = world.cast
    assert names(kpis.invitations(c.district, Y2018)) == {world.left_mid.name, world.cancelled_only.name}
    assert names(kpis.invitations(c.worker_b, Y2018)) == set()


def test_training_person_times_per_year_and_cumulative(world):
    c = world.cast
    t = kpis.training(c.district, Y2018)
    # Sessions: 2014: 2, 2016: 2, 2017: 3 + 2, 2018: 2 + 1 (+1 at the cancelled session, not counted).
    assert t.count == 3
    assert t.by_year == [(2014, 2), (2016, 2), (2017, 5), (2018, 3)]
    assert (t.cumulative, t.first_year) == (12, 2014)
    assert t.rows.count() == 3
    t2017 = kpis.training(c.district, Period.year(2017))
    assert (t2017.count, t2017.cumulative) == (5, 9)
    # Street A's share: person_a twice in 2018; person_b (B) once.
    assert kpis.training(c.street_a, Y2018).count == 2
    assert kpis.training(c.worker_a, Y2018).count == 2
    assert kpis.training(c.street_b, Y2018).cumulative == 5  # person_b: 2014, 2016, 2017a, 2017b, 2018a


def test_consecutive_years_of_a_series_end_at_the_given_year(world):
    assert kpis.consecutive_years(world.series, 2018) == 3  # 2016, 2017, 2018
    assert kpis.consecutive_years(world.series, 2017) == 2
    assert kpis.consecutive_years(world.series, 2015) == 0  # none held in 2015
    assert kpis.consecutive_years(world.series, 2014) == 1
    assert kpis.consecutive_years(world.series, 2019) == 0
    run = kpis.series_runs(ActivitySeries.objects.in_scope(world.cast.district), 2018)[0]
    assert (run.years, run.since, run.held_years) == (3, 2016, [2014, 2016, 2017, 2018])


def test_a_series_whose_only_activity_of_a_year_was_cancelled_breaks_the_run(world):
    from shanghui.activities import services

    for key in ("2018a", "2018b"):
        services.activity_update(by=world.cast.admin, activity=world.sessions[key], status="cancelled")
    assert kpis.consecutive_years(world.series, 2018) == 0
    assert kpis.consecutive_years(world.series, 2017) == 2
    assert kpis.training(world.cast.district, Y2018).count == 0


def test_attendance_per_activity(world):
    c = world.cast
    rows = {a.title: a.attendance for a in kpis.activities_with_attendance(c.district, Y2018)}
    assert rows["东华门街道理想信念教育日"] == 3
    assert rows["全区“四信”专题报告会"] == 3
    assert rows["培训班2018a"] == 2
    assert "景山新年第一课" not in rows
    # A street worker lists her street's activities only.
    mine = {a.title for a in kpis.activities_with_attendance(c.worker_a, Y2018)}
    assert mine == {"东华门街道理想信念教育日"}


def test_default_year_is_the_latest_year_with_activities(world):
    assert kpis.default_year(world.cast.district) == 2019
    assert kpis.default_year(world.cast.worker_a) == 2018
