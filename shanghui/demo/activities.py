"""Activities demo data, added to the demo data set by generator.py after the party records.

What it builds, modelled on the article (2018):
- the district training class (东城区非公经济人士培训班), held every year 1997–2018 in 4–8 sessions,
  930–1,010 person-times a year: 22 consecutive years and more than 20,000 person-times, whatever
  the number of enterprises (attendees are drawn from every person of the data set, repeated over
  the years; before an enterprise was founded its people attend on their own account);
- two university classes: 2017 with 北京大学 and 2018 with 清华大学, 50 entrepreneurs each;
- every chamber's flagship series: each street chamber a yearly “四信” education series (and half
  of them a second, non-education series), each industry chamber a yearly forum, the youth
  association its salon; a few activities cancelled (counting for nothing);
- 2018 education: every member enterprise (membership active in 2018) takes part, through its
  principal at its street's education activity, and so many non-members that about 60 % of all
  enterprises active in 2018 took part; some also went to the district's report meeting.
  The rates come out of these attendance records; nothing is set by hand.

Same rules as generator.py: deterministic (one seeded Random, iteration in primary-key order) and
bulk writes without audit events.
"""

import datetime as dt
import math

from django.utils import timezone

from shanghui.activities.kpis import member_in
from shanghui.activities.models import Activity, ActivitySeries, Attendance, Kind, Source, Status
from shanghui.core.kpis import Period
from shanghui.core.pinyin import initials
from shanghui.directory.kpis import active_enterprises
from shanghui.directory.models import Enterprise, Person

TRAINING_YEARS = range(1997, 2019)
TRAINING_CLASS = "东城区非公经济人士培训班"
UNIVERSITY_CLASSES = [(2017, "北京大学"), (2018, "清华大学")]
UNIVERSITY_SIZE = 50
PARTICIPATION_YEAR = 2018
DISTRICT_SHARE = 0.60
ALL_THEMES = "belief,confidence,trust,credibility"
EDUCATION_TITLES = ["“四信”教育大讲堂", "理想信念教育实践活动", "“守信念 强信心”主题教育"]
SECOND_SERIES = [
    (Kind.MEETING, "企业家座谈会"),
    (Kind.CHARITY, "爱心公益行"),
    (Kind.GOVERNANCE, "共建共治议事会"),
]
TRAINING_TOPICS = ["宏观经济形势与政策解读", "非公有制经济人士理想信念", "企业合规经营与法治", "党的创新理论",
                   "民营企业转型升级", "传承优良传统 争做“四信”表率", "营商环境政策解读", "企业文化与社会责任"]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, minute),
                               timezone.get_default_timezone())


class _ActivityGenerator:
    def __init__(self, gen):
        self.gen = gen
        self.rng = gen.rng("activities")
        self.horizon = gen.horizon
        self.activities: list[Activity] = []
        self.organisers: list[tuple[Activity, object]] = []
        self.attendees: list[tuple[Activity, list[int]]] = []  # (activity, person ids)

    def day(self, year: int, first_month: int = 3, last_month: int = 11) -> dt.date:
        month = self.rng.randint(first_month, last_month)
        return min(dt.date(year, month, self.rng.randint(1, 28)), self.horizon)

    def activity(self, *, title, kind, region, day, hours=3, series=None, session=None, organiser=None,
                 themes="", partner="", place="", status=Status.NORMAL, end_day=None) -> Activity:
        start = _at(day, self.rng.choice([9, 9, 14]))
        end = _at(end_day, 17) if end_day else start + dt.timedelta(hours=hours)
        activity = Activity(title=title, kind=kind, region=region, start=start, end=end, series=series,
                            session=session, themes=themes, partner=partner, place=place, status=status,
                            capacity=self.rng.choice([None, 100, 200, 300]), created=start - dt.timedelta(days=14))
        self.activities.append(activity)
        if organiser is not None:
            self.organisers.append((activity, organiser))
        return activity

    # --- the people ------------------------------------------------------------------

    def load_people(self) -> None:
        rows = (Person.objects.order_by("pk")
                .values_list("pk", "region_id", "enterprise_id", "enterprise__founded", "enterprise__region_id"))
        self.people = list(rows)
        self.person_info = {pk: (region, enterprise, founded, ent_region)
                            for pk, region, enterprise, founded, ent_region in self.people}
        self.principals_by_region: dict[int, list[int]] = {}
        for ent_region, principal in Enterprise.objects.filter(principal__isnull=False).order_by("pk").values_list(
                "region_id", "principal_id"):
            self.principals_by_region.setdefault(ent_region, []).append(principal)
        self.principals = [p for ps in self.principals_by_region.values() for p in ps]

    # --- series and activities -----------------------------------------------------------

    def training_class(self) -> None:
        g, rng = self.gen, self.rng
        series = ActivitySeries(name=TRAINING_CLASS, kind=ActivitySeries.SeriesKind.TRAINING_CLASS,
                                region=g.district, first_year=TRAINING_YEARS[0],
                                description="区工商联每年举办的非公经济人士培训班，分若干讲，每讲出席一人计一人次。")
        self.series = [series]
        pool = [pk for pk, *_ in self.people]
        for year in TRAINING_YEARS:
            total = rng.randint(930, 1010)
            sessions = max(rng.randint(4, 6), math.ceil(total / max(1, min(len(pool), 240))))
            sizes = [total // sessions + (1 if i < total % sessions else 0) for i in range(sessions)]
            for n, size in enumerate(sizes, start=1):
                day = dt.date(year, 3 + (n - 1) * 8 // sessions, rng.randint(1, 28))
                a = self.activity(title=f"{year}年{TRAINING_CLASS}第{n}讲：{rng.choice(TRAINING_TOPICS)}",
                                  kind=Kind.TRAINING, region=g.district, day=day, series=series, session=n,
                                  themes=ALL_THEMES if n == 1 else "", place="区委党校礼堂")
                self.attendees.append((a, rng.sample(pool, min(size, len(pool)))))

    def university_classes(self) -> None:
        g, rng = self.gen, self.rng
        chosen: set[int] = set()
        for year, university in UNIVERSITY_CLASSES:
            first = dt.date(year, 7, rng.randint(3, 20))
            a = self.activity(title=f"{year}年东城区非公经济人士{university}专题研修班", kind=Kind.TRAINING,
                              region=g.district, day=first, end_day=first + dt.timedelta(days=4),
                              partner=university, themes=ALL_THEMES, place=university)
            candidates = [p for p in self.principals if p not in chosen] or [pk for pk, *_ in self.people]
            picked = rng.sample(candidates, min(UNIVERSITY_SIZE, len(candidates)))
            chosen.update(picked)
            self.attendees.append((a, picked))

    def flagship_series(self) -> None:
        g, rng = self.gen, self.rng
        self.education_2018: dict[int, Activity] = {}  # street id → its 2018 education activity
        for chamber in g.street_chambers:
            street = chamber.region
            first = max(chamber.founded.year + 1, 2008)
            title = rng.choice(EDUCATION_TITLES)
            education = ActivitySeries(name=f"{chamber.name}{title}", kind=ActivitySeries.SeriesKind.FLAGSHIP,
                                       chamber=chamber, region=street, first_year=first,
                                       description="商会每年举办的理想信念教育品牌活动。")
            self.series.append(education)
            for year in range(first, self.horizon.year + 1):
                cancelled = year != PARTICIPATION_YEAR and rng.random() < 0.03
                a = self.activity(title=f"{year}年{chamber.name}{title}", kind=Kind.EDUCATION, region=street,
                                  day=self.day(year), series=education, organiser=chamber,
                                  themes=",".join(sorted(rng.sample(ALL_THEMES.split(","), 2))),
                                  place=f"{street.name}商会活动室",
                                  status=Status.CANCELLED if cancelled else Status.NORMAL)
                if year == PARTICIPATION_YEAR:
                    self.education_2018[street.pk] = a
                elif not cancelled:
                    self.attend_street(a, street.pk, rng.randint(8, 30))
            if rng.random() < 0.5:
                kind, name = rng.choice(SECOND_SERIES)
                second = ActivitySeries(name=f"{chamber.name}{name}", kind=ActivitySeries.SeriesKind.FLAGSHIP,
                                        chamber=chamber, region=street, first_year=first + 2)
                self.series.append(second)
                for year in range(first + 2, self.horizon.year + 1):
                    a = self.activity(title=f"{year}年{chamber.name}{name}", kind=kind, region=street,
                                      day=self.day(year), series=second, organiser=chamber)
                    self.attend_street(a, street.pk, rng.randint(6, 20))
        others = [(c, Kind.MEETING, "年度论坛") for c in g.industry_chambers] + [(g.youth, Kind.YOUTH, "青创沙龙")]
        for chamber, kind, name in others:
            first = max(chamber.founded.year + 1, 2010)
            series = ActivitySeries(name=f"{chamber.name}{name}", kind=ActivitySeries.SeriesKind.FLAGSHIP,
                                    chamber=chamber, region=chamber.region, first_year=first)
            self.series.append(series)
            for year in range(first, self.horizon.year + 1):
                a = self.activity(title=f"{year}年{chamber.name}{name}", kind=kind, region=chamber.region,
                                  day=self.day(year), series=series, organiser=chamber)
                pool = self.principals if kind != Kind.YOUTH else [pk for pk, *_ in self.people]
                self.attendees.append((a, rng.sample(pool, min(rng.randint(10, 30), len(pool)))))

    def attend_street(self, activity: Activity, street_id: int, n: int) -> None:
        pool = self.principals_by_region.get(street_id, [])
        self.attendees.append((activity, self.rng.sample(pool, min(n, len(pool)))))

    def participation_2018(self) -> None:
        """Every member enterprise and enough others for ~60 % of the active enterprises took part in 2018."""
        g, rng = self.gen, self.rng
        period = Period.year(PARTICIPATION_YEAR)
        active = active_enterprises(g.district, period).order_by("pk")
        members = set(active.filter(member_in(period)).values_list("pk", flat=True))
        rows = list(active.values_list("pk", "region_id", "principal_id", "founded"))
        others = [r for r in rows if r[0] not in members]
        extra = max(0, round(DISTRICT_SHARE * len(rows)) - len(members))
        chosen = [r for r in rows if r[0] in members] + rng.sample(others, min(extra, len(others)))
        # Enterprises founded after their street's day go to the year-end session for new enterprises.
        year_end = self.activity(title=f"{PARTICIPATION_YEAR}年新设立企业理想信念教育座谈会", kind=Kind.EDUCATION,
                                 region=g.district, day=dt.date(PARTICIPATION_YEAR, 12, 31), themes=ALL_THEMES,
                                 place="区工商联会议室")
        by_street: dict[int, list[int]] = {}
        late = []
        for _pk, region, principal, founded in sorted(chosen):
            if principal is None:
                continue
            street_day = timezone.localtime(self.education_2018[region].start).date()
            if founded is not None and founded > street_day:
                late.append(principal)
            else:
                by_street.setdefault(region, []).append(principal)
        for street_id, activity in sorted(self.education_2018.items()):
            self.attendees.append((activity, by_street.get(street_id, [])))
        self.attendees.append((year_end, late))
        report = self.activity(title=f"{PARTICIPATION_YEAR}年全区非公经济人士理想信念教育专题报告会",
                               kind=Kind.EDUCATION, region=g.district, day=dt.date(PARTICIPATION_YEAR, 9, 20),
                               themes=ALL_THEMES, place="区政府礼堂")
        principals = sorted(p for ps in by_street.values() for p in ps)
        self.attendees.append((report, rng.sample(principals, len(principals) // 5)))

    # --- writing ------------------------------------------------------------------------

    def write(self) -> None:
        for s in self.series:
            s.name_initials = initials(s.name)[:100]
        ActivitySeries.objects.bulk_create(self.series)
        for a in self.activities:  # the series got their primary keys just now
            a.series_id = a.series.pk if a.series is not None else None
        Activity.objects.bulk_create(self.activities, batch_size=2000)
        Through = Activity.organisers.through
        Through.objects.bulk_create([Through(activity_id=a.pk, chamber_id=c.pk) for a, c in self.organisers])
        rows, count = [], 0
        for activity, people in self.attendees:
            if activity.status == Status.CANCELLED:
                continue
            day = timezone.localtime(activity.start).date()
            for pk in people:
                region, enterprise, founded, ent_region = self.person_info[pk]
                if enterprise is not None and founded is not None and founded > day:
                    enterprise = None  # the enterprise did not exist yet: the person came on his own account
                rows.append(Attendance(activity_id=activity.pk, person_id=pk, enterprise_id=enterprise,
                                       region_id=ent_region if enterprise is not None else region,
                                       source=Source.IMPORT if activity.kind == Kind.TRAINING else Source.MANUAL,
                                       created=activity.end))
            if len(rows) >= 5000:
                Attendance.objects.bulk_create(rows)
                count, rows = count + len(rows), []
        Attendance.objects.bulk_create(rows)
        count += len(rows)
        g = self.gen
        g.count("activity_series", len(self.series))
        g.count("activities", len(self.activities))
        g.count("attendances", count)


def generate(gen, batch_size: int) -> None:
    """Add the activity records to the demo data set built by `gen` (generator._Generator)."""
    a = _ActivityGenerator(gen)
    a.load_people()
    a.training_class()
    a.university_classes()
    a.flagship_series()
    a.participation_2018()
    a.write()


def fingerprint_rows():
    """The activity rows by natural keys, for determinism checks."""
    return [
        ActivitySeries.objects.order_by("name").values_list("name", "kind", "chamber__name", "region__code",
                                                            "first_year"),
        Activity.objects.order_by("start", "title").values_list("title", "kind", "themes", "series__name", "session",
                                                                "region__code", "start", "end", "place", "partner",
                                                                "status"),
        Attendance.objects.order_by("activity__start", "activity__title", "person__id_number_digest").values_list(
            "activity__title", "person__id_number_digest", "enterprise__uscc", "region__code", "source"),
    ]
