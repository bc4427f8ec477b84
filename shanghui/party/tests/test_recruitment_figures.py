"""The dashboard's recruitment figures equal independent SQL (raw, through django.db.connection) for the
district and every street: candidates per stage at the year's end, new probationary and full members in the
year, mean days in each stage."""

import datetime as dt

import pytest
from django.db import connection

from shanghui.directory.models import Person
from shanghui.orgs.models import Region
from shanghui.party import recruitment_services as rs
from shanghui.party.tests.test_recruitment_rules import to_activist, to_branch_meeting, to_development
from shanghui.reports import dashboard

D = dt.date

# A candidate's region: its organisation's host chamber's region (joint) or its enterprise's (own).
SCOPE_SQL = """
FROM party_recruitmentcandidate c
JOIN party_partyorganization o ON o.id = c.organization_id
LEFT JOIN orgs_chamber ch ON ch.id = o.host_chamber_id
LEFT JOIN orgs_region hr ON hr.id = ch.region_id
LEFT JOIN directory_enterprise e ON e.id = o.enterprise_id
LEFT JOIN orgs_region er ON er.id = e.region_id
WHERE (hr.path LIKE %(path)s OR er.path LIKE %(path)s)
"""
STAGE_COLUMNS = ["applied", "activist_on", "development_on", "probationary_on", "full_on"]
STAGES = ["applicant", "activist", "development", "probationary", "full"]


def _one(sql: str, params: dict):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _days(later: str, earlier: str) -> str:
    # Days between two date columns, in each database's own arithmetic.
    if connection.vendor == "postgresql":
        return f"({later} - {earlier})"
    return f"(julianday({later}) - julianday({earlier}))"


def sql_figures(path: str, year: int) -> dict:
    day = min(D(year, 12, 31), D.today())
    p = {"path": path + "%", "day": day, "start": D(year, 1, 1), "end": D(year, 12, 31)}
    per_stage = []
    for i, col in enumerate(STAGE_COLUMNS):
        nxt = f" AND (c.{STAGE_COLUMNS[i + 1]} IS NULL OR c.{STAGE_COLUMNS[i + 1]} > %(day)s)" \
            if i + 1 < len(STAGE_COLUMNS) else ""
        per_stage.append(_one(f"SELECT COUNT(*) {SCOPE_SQL} AND c.{col} <= %(day)s{nxt}"
                              " AND (c.stopped IS NULL OR c.stopped > %(day)s)", p))
    mean = []
    for i, col in enumerate(STAGE_COLUMNS[:-1]):
        nxt = STAGE_COLUMNS[i + 1]
        avg = _one(f"SELECT AVG({_days(f'c.{nxt}', f'c.{col}')}) {SCOPE_SQL}"
                   f" AND c.{nxt} BETWEEN %(start)s AND %(end)s AND c.{col} IS NOT NULL", p)
        mean.append(None if avg is None else round(float(avg), 1))
    return {
        "per_stage": per_stage,
        "new_probationary": _one(f"SELECT COUNT(*) {SCOPE_SQL} AND c.probationary_on BETWEEN %(start)s AND %(end)s", p),
        "new_full": _one(f"SELECT COUNT(*) {SCOPE_SQL} AND c.full_on BETWEEN %(start)s AND %(end)s", p),
        "mean_days": mean,
    }


def tile(region: Region, year: int) -> dict:
    data = dashboard.other_tiles(region, year)["recruitment"]
    return {"per_stage": [s["count"] for s in data["per_stage"]], "new_probationary": data["new_probationary"],
            "new_full": data["new_full"], "mean_days": [m["days"] for m in data["mean_days"]]}


@pytest.fixture
def pipeline(world):
    cast, admin = world.cast, world.cast.admin

    def person(name, street):
        return Person.objects.create(name=name, region=street)

    full = rs.candidate_create(by=admin, person=person("甲", cast.street_a), organization=world.ja,
                               applied=D(2023, 5, 10), birth_date=D(1990, 1, 1))
    to_branch_meeting(admin, full, meeting=D(2024, 11, 15))
    rs.step_add(by=admin, candidate=full, kind="approval", date=D(2024, 12, 20))
    rs.step_add(by=admin, candidate=full, kind="oath", date=D(2025, 1, 10))
    rs.step_add(by=admin, candidate=full, kind="conversion_application", date=D(2025, 10, 20))
    rs.step_add(by=admin, candidate=full, kind="conversion_meeting", date=D(2025, 11, 15))
    rs.step_add(by=admin, candidate=full, kind="conversion_approval", date=D(2025, 12, 1))
    dev = rs.candidate_create(by=admin, person=person("乙", cast.street_a), organization=world.ja,
                              applied=D(2023, 5, 12), birth_date=D(1992, 1, 1))
    to_development(admin, dev, development=D(2024, 7, 3))
    stopped = rs.candidate_create(by=admin, person=person("丙", cast.street_a), organization=world.ja,
                                  applied=D(2023, 6, 1), birth_date=D(1993, 1, 1))
    rs.candidate_update(by=admin, candidate=stopped, stopped=D(2024, 3, 1))
    act = rs.candidate_create(by=admin, person=person("丁", cast.street_a), organization=world.oa,
                              applied=D(2024, 5, 10), birth_date=D(1994, 1, 1))
    rs.step_add(by=admin, candidate=act, kind="talk", date=D(2024, 5, 20))
    rs.step_add(by=admin, candidate=act, kind="activist", date=D(2024, 8, 1))
    b = rs.candidate_create(by=admin, person=person("戊", cast.street_b), organization=world.jb,
                            applied=D(2024, 8, 1), birth_date=D(1991, 1, 1))
    to_activist(admin, b, activist=D(2024, 9, 1))
    return world


@pytest.mark.parametrize("year", [2023, 2024, 2025])
def test_dashboard_figures_equal_independent_sql(pipeline, year):
    district = pipeline.cast.district
    regions = [district, *Region.objects.filter(path__startswith=district.path).streets()]
    for region in regions:
        assert tile(region, year) == sql_figures(region.path, year), (region.name, year)


def test_the_figures_say_what_happened(pipeline):
    """A reading of the fixture: in 2024 one new probationary member (甲), in 2025 one conversion."""
    district = pipeline.cast.district
    assert tile(district, 2024)["new_probationary"] == 1 and tile(district, 2025)["new_full"] == 1
    at_2024 = dict(zip(STAGES, tile(district, 2024)["per_stage"], strict=True))
    assert at_2024 == {"applicant": 0, "activist": 2, "development": 1, "probationary": 1, "full": 0}
    street_b = pipeline.cast.street_b
    assert tile(street_b, 2024)["per_stage"] == [0, 1, 0, 0, 0]


def test_the_annual_report_states_the_same_figures(pipeline):
    import io

    import docx

    from shanghui.reports import annual

    district = pipeline.cast.district
    report = annual.gather(district, 2024)
    r = report["party"]["recruitment"]
    expected = sql_figures(district.path, 2024)
    assert [s["count"] for s in r["stages"]] == expected["per_stage"][:4]
    assert (r["new_probationary"], r["new_full"]) == (expected["new_probationary"], expected["new_full"])
    assert {s["name"]: s["activist"] for s in r["streets"]}[pipeline.cast.street_b.name] == 1
    buf = io.BytesIO()
    annual.render_docx(report, buf)
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(buf.getvalue())).paragraphs)
    assert f"{2024}年新接收预备党员{expected['new_probationary']}名" in text
    assert "全年发展预备党员1名" in text
