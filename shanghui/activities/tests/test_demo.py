"""The activities part of the demo data set: the article's 2018 figures come out of attendance records."""

import io

import pytest
from django.core.management import call_command

from shanghui.activities import kpis
from shanghui.activities.models import Activity, ActivitySeries, Attendance
from shanghui.core.kpis import Period
from shanghui.demo.activities import TRAINING_CLASS, fingerprint_rows
from shanghui.demo.generator import generate
from shanghui.orgs.models import Region

Y2018 = Period.year(2018)


@pytest.fixture
def demo(db):
    return generate(seed=5, enterprises=300)


def test_the_cli_shows_the_articles_2018_figures(demo):
    out = io.StringIO()
    call_command("participation", "--year", "2018", stdout=out)
    text = out.getvalue()
    assert "会员企业参与率：100.0%" in text
    rate = float(text.split("全区企业参与率：")[1].split("%")[0])
    assert 55 <= rate <= 65
    cumulative = int(text.split("累计 ")[1].split("（")[0])
    assert cumulative > 20_000
    assert f"连续举办：{TRAINING_CLASS} 22年，1997年起" in text


def test_the_figures_come_from_attendance_records(demo):
    district = Region.objects.get(code="110101")
    member = kpis.member_participation(district, Y2018)
    assert member.numerator == member.denominator > 50
    everyone = kpis.district_participation(district, Y2018)
    assert abs(everyone.numerator / everyone.denominator - 0.6) < 0.05
    # Removing the 2018 education attendance removes the participation: nothing is stored elsewhere.
    Attendance.objects.filter(activity__kind="education", activity__start__year=2018).delete()
    assert kpis.member_participation(district, Y2018).numerator == 0


def test_training_class_and_university_classes(demo):
    district = Region.objects.get(code="110101")
    series = ActivitySeries.objects.get(name=TRAINING_CLASS)
    assert kpis.consecutive_years(series, 2018) == 22
    t = kpis.training(district, Y2018)
    assert t.first_year == 1997 and t.cumulative > 20_000
    assert [y for y, _ in t.by_year] == list(range(1997, 2019))
    universities = Activity.objects.exclude(partner="").order_by("start")
    assert [(a.start.year, a.partner) for a in universities] == [(2017, "北京大学"), (2018, "清华大学")]
    entrepreneurs = Attendance.objects.filter(activity__in=universities).values("person").distinct().count()
    assert entrepreneurs == 100


def test_every_chamber_has_a_flagship_series_and_the_streets_add_up(demo):
    district = Region.objects.get(code="110101")
    from shanghui.orgs.models import Chamber

    for chamber in Chamber.objects.all():
        assert ActivitySeries.objects.filter(chamber=chamber).exists(), chamber
    rows = kpis.by_street(district, Y2018)
    member = kpis.member_participation(district, Y2018)
    assert sum(r.member[0] for r in rows) == member.numerator
    assert sum(r.training for r in rows) == kpis.training(district, Y2018).count


def test_records_obey_the_model_rules(demo):
    for model in (ActivitySeries, Activity):
        for row in model.objects.all()[:500]:
            row.full_clean()
    for row in Attendance.objects.order_by("?")[:300]:
        row.full_clean()
        expected = row.enterprise.region_id if row.enterprise_id else row.person.region_id
        assert row.region_id == expected


def test_a_single_enterprise_still_gives_the_full_training_class(db):
    generate(seed=2, enterprises=1)
    district = Region.objects.get(code="110101")
    assert kpis.training(district, Y2018).cumulative > 20_000
    assert kpis.member_participation(district, Y2018).rate == 100


def test_same_seed_gives_the_same_activities(db):
    from django.db import transaction

    digests = []
    for _ in range(2):
        with transaction.atomic():
            generate(seed=9, enterprises=60)
            digests.append([list(q) for q in fingerprint_rows()])
            transaction.set_rollback(True)
    assert digests[0] == digests[1]
