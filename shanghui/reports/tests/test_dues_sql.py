"""The dashboard's party-dues figures (reports/dashboard.py dues_tile) equal independent raw SQL, for the
district and every street: members owing, members fully paid, months owed and paid, amounts collected,
handed up and given voluntarily.

The SQL restates the rule of docs/party-dues.md directly on the tables: a membership row owes a month
when it runs on the month's last day and the person was admitted by then; a month is paid when the
person has a paid-month row for it.
"""

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.db import connection

from shanghui.directory.models import Person
from shanghui.orgs.models import Region
from shanghui.party import dues, dues_services, services
from shanghui.reports.dashboard import dues_tile

D = dt.date
YEAR = 2024
DAY = D(2025, 1, 10)  # every month of 2024 has ended

SQL = """
WITH months(first_day, last_day) AS (VALUES {values}),
rows AS (
    SELECT pm.id AS member_id, pm.person_id, pm.organization_id,
           COALESCE(cr.path, er.path) AS path
    FROM party_partymember pm
    JOIN party_partyorganization po ON po.id = pm.organization_id
    LEFT JOIN orgs_chamber ch ON ch.id = po.host_chamber_id
    LEFT JOIN orgs_region cr ON cr.id = ch.region_id
    LEFT JOIN directory_enterprise e ON e.id = po.enterprise_id
    LEFT JOIN orgs_region er ON er.id = e.region_id
),
owed AS (
    SELECT r.member_id, r.person_id, r.path, m.first_day,
           (SELECT pmo.amount FROM party_duespaymentmonth pmo
             WHERE pmo.person_id = r.person_id AND pmo.month = m.first_day) AS paid_amount
    FROM rows r
    JOIN party_partymember pm ON pm.id = r.member_id
    JOIN months m ON pm.joined_party <= m.last_day AND pm.joined_org <= m.last_day
                 AND (pm."left" IS NULL OR pm."left" >= m.last_day)
    WHERE r.path LIKE %s
),
per_member AS (
    SELECT member_id, COUNT(*) AS owed, COUNT(paid_amount) AS paid, COALESCE(SUM(paid_amount), 0) AS amount
    FROM owed GROUP BY member_id
)
SELECT COUNT(*), SUM(CASE WHEN paid = owed THEN 1 ELSE 0 END), COALESCE(SUM(owed), 0), COALESCE(SUM(paid), 0),
       COALESCE(SUM(amount), 0)
FROM per_member
"""

HANDED_SQL = """
SELECT COALESCE(SUM(h.amount), 0) FROM party_dueshandup h
JOIN party_partyorganization po ON po.id = h.organization_id
LEFT JOIN orgs_chamber ch ON ch.id = po.host_chamber_id
LEFT JOIN orgs_region cr ON cr.id = ch.region_id
LEFT JOIN directory_enterprise e ON e.id = po.enterprise_id
LEFT JOIN orgs_region er ON er.id = e.region_id
WHERE h.month >= %s AND h.month <= %s AND COALESCE(cr.path, er.path) LIKE %s
"""

EXTRA_SQL = """
SELECT COALESCE(SUM(p.extra), 0) FROM party_duespayment p
JOIN party_partymember pm ON pm.id = p.member_id
JOIN party_partyorganization po ON po.id = pm.organization_id
LEFT JOIN orgs_chamber ch ON ch.id = po.host_chamber_id
LEFT JOIN orgs_region cr ON cr.id = ch.region_id
LEFT JOIN directory_enterprise e ON e.id = po.enterprise_id
LEFT JOIN orgs_region er ON er.id = e.region_id
WHERE p.first_month >= %s AND p.first_month <= %s AND p.extra > 0 AND COALESCE(cr.path, er.path) LIKE %s
"""


def raw_figures(path: str) -> dict:
    months = [(D(YEAR, m, 1), dues.month_end(D(YEAR, m, 1))) for m in range(1, 13)]
    values = ", ".join(["(%s, %s)"] * len(months))
    params = [d for pair in months for d in pair]
    with connection.cursor() as cursor:
        cursor.execute(SQL.format(values=values), [*params, path + "%"])
        owing, fully, owed, paid, amount = cursor.fetchone()
        cursor.execute(HANDED_SQL, [D(YEAR, 1, 1), D(YEAR, 12, 1), path + "%"])
        handed = cursor.fetchone()[0]
        cursor.execute(EXTRA_SQL, [D(YEAR, 1, 1), D(YEAR, 12, 1), path + "%"])
        extra = cursor.fetchone()[0]
    return {"owing": owing, "fully_paid": fully or 0, "months_owed": owed, "months_paid": paid,
            "collected": str(Decimal(str(amount)).quantize(dues.FEN)),
            "handed_up": str(Decimal(str(handed)).quantize(dues.FEN)),
            "extra": str(Decimal(str(extra)).quantize(dues.FEN))}


@pytest.fixture
def dues_world(cast, settings):
    settings.DUES_FROM = "2023-01"
    rng = random.Random(2008)
    admin = cast.admin
    orgs = [
        services.organization_create(by=admin, name="东华门街道商会联合党委", level="committee", form="joint",
                                     host_chamber=cast.chamber_a, founded=D(2019, 1, 1)),
        services.organization_create(by=admin, name="景山街道商会联合党委", level="committee", form="joint",
                                     host_chamber=cast.chamber_b, founded=D(2019, 1, 1)),
    ]
    orgs.append(services.organization_create(by=admin, name="甲企业党支部", level="branch", form="own",
                                             enterprise=cast.enterprise_a, parent=orgs[0], founded=D(2020, 1, 1)))
    for i in range(18):
        org = orgs[i % 3]
        region = org.region
        person = Person.objects.create(name=f"党费测试{i}", region=region)
        joined = D(rng.choice([2018, 2023, 2024]), rng.randint(1, 12), rng.randint(1, 28))
        member = services.member_create(by=admin, person=person, organization=org, joined_party=joined,
                                        joined_org=max(joined, D(2020, 2, 1)), category="probationary" if joined.year == 2024 else "full")
        if i % 5 == 4:  # a transfer inside the district mid-2024
            member = services.member_transfer(by=admin, member=member, to=orgs[(i + 1) % 3],
                                              on=max(D(2024, 6, 15), joined + dt.timedelta(days=1)))
        for year in (2023, 2024):
            category = rng.choice(["employed", "employed", "retired", "student"])
            base = Decimal(rng.choice(["2999.99", "3000.00", "4500", "5000.01", "10000", "12000"]))
            dues_services.base_declare(by=admin, member=member, year=year, category=category,
                                       base=base if category != "student" else None)
        month = dues.month_of(max(D(2023, 1, 1), joined))
        while month <= D(2024, 12, 1):
            n = rng.randint(1, 4)
            if rng.random() < 0.75:
                try:
                    dues_services.payment_record(by=admin, member=member, first_month=month, months=n,
                                                 paid_on=D(2025, 1, 5), extra=Decimal(rng.choice(["0", "0", "10"])))
                except Exception:  # months of the earlier membership row: paid on that row or not at all
                    pass
            month = dues.add_months(month, n)
    for org in orgs:
        dues_services.hand_up_record(by=admin, organization=org, month=D(2024, 3, 1), amount=Decimal("88.50"),
                                     handed_on=D(2024, 4, 2))
    return cast


def test_the_dashboard_dues_figures_equal_raw_sql_for_the_district_and_every_street(dues_world):
    cast = dues_world
    tile = dues_tile(cast.district, YEAR, day=DAY)
    keys = ("owing", "fully_paid", "months_owed", "months_paid", "collected", "handed_up", "extra")
    expected = raw_figures(cast.district.path)
    assert expected["owing"] > 0 and 0 < expected["fully_paid"] < expected["owing"]  # the data are not trivial
    assert {k: tile["total"][k] for k in keys} == expected
    streets = {s["code"]: s for s in tile["streets"]}
    for street in Region.objects.streets().filter(path__startswith=cast.district.path):
        raw = raw_figures(street.path)
        if raw["owing"] == 0:
            assert street.code not in streets
            continue
        assert {k: streets[street.code][k] for k in keys} == raw, street.name
    assert {cast.street_a.code, cast.street_b.code} <= set(streets)
