"""Organisational-life compliance: which required meetings are missing, per organisation and period."""

import datetime as dt

from shanghui.party import compliance, services
from shanghui.party.models import OrgLifeRecord

D = dt.date
AS_OF = D(2024, 8, 10)


def held(org, kind, *days):
    for day in days:
        OrgLifeRecord.objects.create(organization=org, kind=kind, date=day, topic="会议", attendance=5)


def status(row, kind):
    return next(k for k in row.kinds if k.kind == kind)


def new_branch(world, founded, **fields):
    cast = world.cast
    return services.organization_create(by=cast.admin, name=f"东华门联合党支部{founded:%m%d}", level="branch",
                                        form="joint", host_chamber=cast.chamber_a, parent=world.ja,
                                        founded=founded, **fields)


def test_missing_meetings_by_month_and_quarter(world):
    org = new_branch(world, D(2024, 2, 15))
    held(org, "committee_meeting", D(2024, 2, 20), D(2024, 3, 5), D(2024, 5, 2), D(2024, 5, 28), D(2024, 6, 3),
         D(2024, 7, 9), D(2023, 4, 1))
    held(org, "member_meeting", D(2024, 3, 20))
    held(org, "lecture", D(2024, 4, 10))
    [row] = compliance.compliance([org], 2024, AS_OF)
    # Months that ended on 10 Aug and in which the branch existed: Feb–Jul. April is missing.
    committee = status(row, "committee_meeting")
    assert (committee.held, committee.required, [s.label for s in committee.missing]) == (5, 6, ["4月"])
    assert committee.pending  # August: nothing yet, but not late
    theme = status(row, "theme_day")
    assert (theme.held, theme.required) == (0, 6)
    assert [s.index for s in theme.missing] == [2, 3, 4, 5, 6, 7]
    meeting, lecture = status(row, "member_meeting"), status(row, "lecture")
    assert (meeting.held, meeting.required, [s.label for s in meeting.missing]) == (1, 2, ["第2季度"])
    assert (lecture.held, lecture.required, [s.label for s in lecture.missing]) == (1, 2, ["第1季度"])
    # Yearly meetings are due only once the year is over.
    life = status(row, "life_meeting")
    assert (life.required, life.missing, life.pending) == (0, [], True)
    assert row.missing_count == 1 + 6 + 1 + 1 and not row.compliant


def test_a_whole_past_year_and_a_dissolved_organisation(world):
    org = new_branch(world, D(2023, 1, 1))
    held(org, "life_meeting", D(2023, 12, 20))
    [row] = compliance.compliance([org], 2023, AS_OF)
    assert status(row, "life_meeting").required == 1 and not status(row, "life_meeting").missing
    assert [s.label for s in status(row, "appraisal").missing] == ["全年"]
    assert status(row, "committee_meeting").required == 12
    # Dissolved on 15 June 2024: June and later are not required of it.
    org.dissolved = D(2024, 6, 15)
    [row] = compliance.compliance([org], 2024, AS_OF)
    assert [s.index for s in status(row, "theme_day").missing] == [1, 2, 3, 4, 5]
    assert status(row, "life_meeting").required == 0 and not status(row, "life_meeting").pending


def test_cadence_is_configurable(world, settings):
    settings.SHANGHUI_ORG_LIFE_CADENCE = {"theme_day": "quarter", "lecture": None}
    org = new_branch(world, D(2024, 1, 1))
    held(org, "theme_day", D(2024, 5, 1))
    [row] = compliance.compliance([org], 2024, AS_OF)
    assert [k.kind for k in row.kinds] == ["theme_day"]
    assert [s.label for s in status(row, "theme_day").missing] == ["第1季度"]


def test_compliance_page_reads_one_query_of_meetings_per_page(world, django_assert_max_num_queries):
    from django.test import Client

    for i in range(5):
        held(new_branch(world, D(2024, 1, 1 + i)), "theme_day", D(2024, 3, 1))
    client = Client()
    client.force_login(world.cast.worker_a)
    with django_assert_max_num_queries(12):
        response = client.get("/party/compliance/", {"year": 2024})
    assert response.status_code == 200
    assert "东华门联合党支部0101" in response.content.decode()


def test_term_end_reminders(world):
    from shanghui.party.models import PartyOrganization

    soon = new_branch(world, D(2022, 1, 1), term_end=D(2024, 10, 1))
    later = new_branch(world, D(2022, 1, 2), term_end=D(2025, 1, 1))
    due = set(PartyOrganization.objects.term_due(AS_OF))
    # JA's term ended 2023-12-31 (overdue), the branch's ends within 90 days; OA's (2027) and the later one's not.
    assert soon in due and world.ja in due and later not in due and world.oa not in due
    assert (soon.term_state(AS_OF), world.ja.term_state(AS_OF), later.term_state(AS_OF)) == ("due", "overdue", "")


def test_organisation_page_shows_the_chosen_years_compliance(world):
    from django.test import Client

    org = new_branch(world, D(2023, 1, 1))
    held(org, "appraisal", D(2023, 12, 1))
    client = Client()
    client.force_login(world.cast.worker_a)
    page = client.get(f"/party/organizations/{org.pk}/", {"year": "2023"}).content.decode()
    assert "2023年组织生活落实情况" in page and "缺：全年" in page  # the 组织生活会, not the 民主评议
    assert client.get(f"/party/organizations/{org.pk}/", {"year": "abc"}).status_code == 200
