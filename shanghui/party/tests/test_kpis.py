"""The coverage KPIs of docs/design.md §5 on the hand-built world of conftest.py; answers worked out by hand."""

import datetime as dt

import pytest

from shanghui.core.kpis import Period
from shanghui.directory.kpis import active_enterprises
from shanghui.party import kpis

D = dt.date
YEAR_END = D(2024, 12, 31)
SPRING = D(2024, 3, 1)


def nd(figure) -> tuple[int, int]:
    return figure.numerator, figure.denominator


def names(qs) -> set[str]:
    return {e.name for e in qs}


def test_organisation_coverage_as_of_year_end(world):
    a = world.cast.street_a
    f = kpis.organisation_coverage(a, YEAR_END)
    # Active on 31 Dec in A: enterprise_a, moved_ent, instructed, bare (closed_ent closed in June,
    # unborn founded 2025). Covered: enterprise_a (JA), moved_ent (now OA).
    assert nd(f) == (2, 4)
    assert f.rate == 50
    assert names(f.covered) == {world.cast.enterprise_a.name, world.moved_ent.name}
    assert names(f.missing) == {world.instructed.name, world.bare.name}


def test_enterprise_closed_mid_year_counts_before_its_closure_only(world):
    a = world.cast.street_a
    assert world.closed_ent in kpis.organisation_coverage(a, SPRING).covered
    assert world.closed_ent not in active_enterprises(a, YEAR_END)
    assert world.closed_ent not in kpis.organisation_coverage(a, YEAR_END).missing
    # Over the whole year it was active (until June) and covered.
    assert world.closed_ent in kpis.organisation_coverage(a, Period.year(2024)).covered
    # Its closing day is the first inactive day.
    assert world.closed_ent in active_enterprises(a, D(2024, 6, 29))
    assert world.closed_ent not in active_enterprises(a, D(2024, 6, 30))


def test_coverage_moved_from_joint_to_own_organisation(world):
    a = world.cast.street_a
    # Before the move: covered, but not by its own organisation.
    assert world.moved_ent in kpis.organisation_coverage(a, SPRING).covered
    assert world.moved_ent in kpis.own_organisation_rate(a, SPRING).missing
    # After: still covered once (not twice), now by its own organisation.
    assert nd(kpis.own_organisation_rate(a, YEAR_END)) == (1, 4)
    assert names(kpis.own_organisation_rate(a, YEAR_END).covered) == {world.moved_ent.name}
    # The day before the move it is the joint committee's, on the day the own branch's.
    assert world.moved_ent in kpis.own_organisation_rate(a, D(2024, 5, 1)).covered
    assert world.moved_ent not in kpis.own_organisation_rate(a, D(2024, 4, 30)).covered


def test_work_coverage_counts_instructors_until_the_assignment_ends(world):
    a = world.cast.street_a
    # 31 Dec: the instructor assignment ended in March, so work coverage = organisation coverage.
    assert nd(kpis.work_coverage(a, YEAR_END)) == (2, 4)
    assert world.instructed in kpis.work_coverage(a, YEAR_END).missing
    # 1 March: 5 active (closed_ent still open); covered enterprise_a, moved_ent, closed_ent + instructed.
    assert nd(kpis.work_coverage(a, SPRING)) == (4, 5)
    assert nd(kpis.work_coverage(a, D(2024, 3, 31))) == (4, 5)
    assert nd(kpis.work_coverage(a, D(2024, 4, 1))) == (3, 5)


def test_spring_figures_of_both_streets(world):
    a, b = world.cast.street_a, world.cast.street_b
    assert nd(kpis.organisation_coverage(a, SPRING)) == (3, 5)
    assert nd(kpis.own_organisation_rate(a, SPRING)) == (0, 5)
    # B: JB only from July; b_moved moved away without a date, never active.
    assert nd(kpis.organisation_coverage(b, SPRING)) == (0, 2)
    assert nd(kpis.work_coverage(b, SPRING)) == (1, 2)
    assert nd(kpis.organisation_coverage(b, YEAR_END)) == (1, 2)
    assert nd(kpis.work_coverage(b, YEAR_END)) == (2, 2)


def test_whole_year_period_counts_whatever_was_active_or_covered_during_it(world):
    d = world.cast.district
    year = Period.year(2024)
    # Active during 2024: A 5 (with closed_ent), B 2. Organisation-covered: A 3, B 1; own: moved_ent;
    # work: A 4 (instructed until March), B 2.
    assert nd(kpis.organisation_coverage(d, year)) == (4, 7)
    assert nd(kpis.own_organisation_rate(d, year)) == (1, 7)
    assert nd(kpis.work_coverage(d, year)) == (6, 7)


def test_joint_committee_coverage_of_streets(world):
    d = world.cast.district
    # Dongcheng has 17 streets; JA since 2019, JB since July 2024.
    assert nd(kpis.joint_committee_coverage(d, SPRING)) == (1, 17)
    assert nd(kpis.joint_committee_coverage(d, YEAR_END)) == (2, 17)
    f = kpis.joint_committee_coverage(d, YEAR_END)
    assert {s.code for s in f.covered} == {"110101001", "110101002"}
    assert f.missing.count() == 15


def test_a_dissolved_joint_committee_no_longer_covers_its_street(world):
    from shanghui.party.models import PartyOrganization

    # Straight to the row: dissolving through the service would first need its coverage ended.
    PartyOrganization.objects.filter(pk=world.jb.pk).update(dissolved=D(2024, 10, 1))
    d = world.cast.district
    assert nd(kpis.joint_committee_coverage(d, D(2024, 9, 30))) == (2, 17)
    assert nd(kpis.joint_committee_coverage(d, D(2024, 10, 1))) == (1, 17)


@pytest.mark.parametrize("period", [SPRING, YEAR_END, Period.year(2024), Period(D(2019, 1, 1), D(2026, 1, 1))])
def test_district_figure_is_the_sum_over_its_streets(world, period):
    d = world.cast.district
    rows = kpis.by_street(d, period)
    assert len(rows) == 17
    for key in kpis.KPIS:
        f = kpis.figure(key, d, period)
        assert (sum(r.figures[key][0] for r in rows), sum(r.figures[key][1] for r in rows)) == nd(f), key
        for row in rows:
            street = kpis.figure(key, row.street, period)
            assert row.figures[key] == nd(street), (key, row.street)


def test_street_worker_sees_only_her_streets_figures(world):
    cast = world.cast
    f = kpis.organisation_coverage(cast.worker_a, YEAR_END)
    assert nd(f) == (2, 4)
    assert cast.enterprise_b not in f.covered and cast.enterprise_b not in f.missing
    assert nd(kpis.joint_committee_coverage(cast.worker_a, YEAR_END)) == (1, 1)
    assert [r.street for r in kpis.by_street(cast.worker_a, YEAR_END)] == [cast.street_a]
    assert nd(kpis.organisation_coverage(cast.worker_b, YEAR_END)) == (1, 2)
    # The district admin's figure is the district's; the auditor sees nothing.
    assert nd(kpis.organisation_coverage(cast.admin, YEAR_END)) == (3, 6)
    assert nd(kpis.organisation_coverage(cast.auditor, YEAR_END)) == (0, 0)
    assert kpis.organisation_coverage(cast.auditor, YEAR_END).rate is None


def test_figures_are_aggregate_queries_whatever_the_number_of_enterprises(world, django_assert_max_num_queries):
    d = world.cast.district
    with django_assert_max_num_queries(1):
        kpis.organisation_coverage(d, YEAR_END)
    with django_assert_max_num_queries(2):
        kpis.by_street(d, YEAR_END)


def test_should_form_own_lists_enterprises_with_three_full_members_without_own_organisation(world):
    from shanghui.directory.models import Person
    from shanghui.party import services

    cast, admin = world.cast, world.cast.admin
    people = [Person.objects.create(name=f"党员{i}", region=cast.street_a, enterprise=world.bare) for i in range(4)]
    for i, p in enumerate(people):
        services.member_create(by=admin, person=p, organization=world.ja, joined_party=D(2010, 1, 1),
                               joined_org=D(2020, 1, 1), category="probationary" if i == 3 else "full",
                               left=D(2024, 6, 30) if i == 2 else None)
    # Three full members until June (the third left on 30 June), two after; the probationary one never counts.
    assert [e.name for e in kpis.should_form_own(cast.street_a, D(2024, 6, 30))] == [world.bare.name]
    assert list(kpis.should_form_own(cast.street_a, D(2024, 7, 1))) == []
    assert kpis.should_form_own(cast.street_a, D(2024, 6, 30))[0].full_members == 3
    assert list(kpis.should_form_own(cast.worker_b, D(2024, 6, 30))) == []
