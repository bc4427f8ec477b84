"""Everything a user who may not unmask sees of a person leaves at least 1,000 candidate ID numbers.

The masked number hides the eight birth-date digits; any birth date, year, month, age or narrow
age band beside it on any surface would give most of them back. Each surface below is fetched
as such a user and read with `candidates.birth_facts`; add a surface to SURFACES to cover it.
"""

import datetime as dt
import html
import json
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from shanghui.activities import services as activity_services
from shanghui.core.validators import id_check_char
from shanghui.directory.models import Membership, Person
from shanghui.imports import engine, kinds
from shanghui.imports.tests.sheets import csv_file
from shanghui.party import services as party_services
from shanghui.party.models import Form, Level

from .candidates import MINIMUM, age_on, birth_facts, candidates

BIRTH = dt.date(1968, 8, 17)


@dataclass
class Subject:
    person: Person
    member_pk: int
    membership_pk: int
    activity_pk: int
    tmp_path: object

    @property
    def person_pk(self) -> int:
        return self.person.pk


@pytest.fixture
def subject(cast, tmp_path) -> Subject:
    body = f"110101{BIRTH:%Y%m%d}042"
    person = Person(name="周测试", region=cast.street_a, enterprise=cast.enterprise_a, position="监事")
    person.set_id_number(body + id_check_char(body))
    person.set_mobile("13912345678")
    person.save()
    membership = Membership.objects.create(chamber=cast.youth, person=person, joined=dt.date(2019, 4, 1))
    org = party_services.organization_create(by=cast.admin, name="东华门街道商会联合党委", level=Level.COMMITTEE,
                                             form=Form.JOINT, founded=dt.date(2019, 1, 1), host_chamber=cast.chamber_a)
    member = party_services.member_create(by=cast.admin, person=person, organization=org,
                                          joined_party=dt.date(2001, 7, 1), joined_org=dt.date(2019, 3, 1))
    start = dt.datetime(2025, 3, 1, 9, tzinfo=dt.UTC)
    activity = activity_services.activity_create(by=cast.admin, title="理想信念教育报告会", kind="education",
                                                 region=cast.street_a, start=start, end=start + dt.timedelta(hours=2))
    activity_services.attendance_add(by=cast.admin, activity=activity, person=person)
    return Subject(person, member.pk, membership.pk, activity.pk, tmp_path)


def _body(response) -> bytes:
    # An error answer (a form or API refusal) is a surface too: its body is read like any other.
    assert response.status_code in (200, 400, 409, 422), response.status_code
    return b"".join(response.streaming_content) if response.streaming else response.content


def _text(response) -> str:
    """What the user receives, as text: HTML with its attributes, JSON, or every cell of a sheet."""
    data = _body(response)
    if data[:2] == b"PK":
        book = load_workbook(BytesIO(data), read_only=True)
        return "\n".join("\t".join("" if v is None else str(v) for v in row)
                         for sheet in book.worksheets for row in sheet.iter_rows(values_only=True))
    return html.unescape(data.decode("utf-8-sig"))


def _bad_mobile_import(client, cast, s: Subject) -> str:
    p = s.person
    path = csv_file(s.tmp_path, [["姓名", "身份证号码", "手机号码", "所属街道"],
                                 [p.name, p.id_number, "123", "东华门街道"]])
    result = engine.run(kinds.get("persons"), path, by=cast.worker_a, dry_run=True)
    assert result.errors
    return json.dumps(result.as_dict(), ensure_ascii=False, default=str)


def _refused_create(client, cast, s: Subject) -> str:
    response = client.post(reverse("directory:person_create"),
                           _person_form(cast, s, name="钱重复", id_number=s.person.id_number))
    assert "已登记为人员" in response.content.decode()
    # The box keeps what the user typed; only what the page tells about the record is read.
    return _text(response).replace(s.person.id_number, s.person.id_number_masked)


def _person_form(cast, s: Subject, **changes) -> dict:
    p = s.person
    return {"name": p.name, "region": cast.street_a.pk, "enterprise": cast.enterprise_a.pk, "position": p.position,
            "political_status": "", "gender": p.gender, "id_number": "", "mobile": "", **changes}


@dataclass
class Surface:
    name: str
    user: str  # a cast attribute: someone who may not unmask ID numbers
    fetch: Callable[[Client, object, Subject], object]  # → a response, or the text itself
    shows_person: bool = True  # the text carries the person's name or masked number


def _get(name: str, *args, query: dict | None = None):
    def fetch(client, cast, s):
        values = [getattr(s, a) if isinstance(a, str) else a(cast, s) for a in args]
        return client.get(reverse(name, args=values), query or {})
    return fetch


_pk = "person_pk"

SURFACES = [
    Surface("person detail", "worker_a", _get("directory:person_detail", _pk)),
    Surface("person edit form", "worker_a", _get("directory:person_edit", _pk)),
    Surface("person edit form re-rendered with an error", "worker_a",
            lambda c, cast, s: c.post(reverse("directory:person_edit", args=[s.person.pk]),
                                      _person_form(cast, s, mobile="123"))),
    Surface("person create form refusing the same ID number", "worker_a", _refused_create),
    Surface("person list", "worker_a", _get("directory:person_list", query={"q": "周测试"})),
    Surface("person autocomplete", "worker_a", _get("directory:person_autocomplete", query={"q": "周测试"})),
    Surface("person export xlsx", "worker_a", _get("directory:person_export")),
    Surface("person export csv", "worker_a", _get("directory:person_export", query={"format": "csv"})),
    Surface("enterprise detail", "worker_a", _get("directory:enterprise_detail", lambda cast, s: cast.enterprise_a.pk)),
    Surface("membership detail", "worker_a", _get("directory:membership_detail", "membership_pk")),
    Surface("membership list", "worker_a", _get("directory:membership_list", query={"q": "周测试"})),
    Surface("membership export", "worker_a", _get("directory:membership_export")),
    Surface("party member list", "worker_a", _get("party:member_list")),
    Surface("party member detail", "worker_a", _get("party:member_detail", "member_pk")),
    Surface("party member export", "worker_a", _get("party:member_export", query={"format": "csv"})),
    Surface("activity detail with its attendance", "worker_a", _get("activities:activity_detail", "activity_pk")),
    Surface("attendance export", "worker_a", _get("activities:attendance_export", "activity_pk",
                                                  query={"format": "csv"})),
    *(Surface(f"import-format export of {kind} ({fmt})", "worker_a",
              _get("imports:export", lambda cast, s, k=kind: k, query={"format": fmt}), shows_person=False)
      for kind in sorted(kinds.KINDS) for fmt in ("xlsx", "csv")),
    Surface("import dry run with a bad mobile", "worker_a", _bad_mobile_import, shows_person=False),
    Surface("API person list", "worker_a", lambda c, cast, s: c.get("/api/v1/persons/", {"q": "周测试"})),
    Surface("API person detail", "worker_a", lambda c, cast, s: c.get(f"/api/v1/persons/{s.person.pk}")),
    Surface("API validation error", "worker_a",
            lambda c, cast, s: c.patch(f"/api/v1/persons/{s.person.pk}", {"mobile": "123"},
                                       content_type="application/json"), shows_person=False),
    Surface("API duplicate ID number", "worker_a",
            lambda c, cast, s: c.post("/api/v1/persons/", {"name": "钱重复", "region": cast.street_a.code,
                                                           "id_number": s.person.id_number},
                                      content_type="application/json")),
    Surface("admin change page", "superuser",
            lambda c, cast, s: c.get(reverse("admin:directory_person_change", args=[s.person.pk]))),
]


@pytest.mark.parametrize("surface", SURFACES, ids=lambda s: s.name)
def test_each_surface_leaves_at_least_1000_candidate_id_numbers(cast, subject, surface):
    client = Client()
    client.force_login(getattr(cast, surface.user))
    answer = surface.fetch(client, cast, subject)
    if not isinstance(answer, str):
        answer = _text(answer)
    person = subject.person
    assert person.id_number not in answer
    if surface.shows_person:
        assert person.name in answer or person.id_number_masked in answer, "the surface should show the person"
    facts = birth_facts(answer, person.id_number)
    found = candidates(person.id_number_masked, facts)
    assert found >= MINIMUM, f"{surface.name}: {found} candidates left by {[shown for shown, _ in facts]}"


def test_every_import_kind_with_an_export_is_walked():
    walked = {s.name.split(" of ")[1].split(" (")[0] for s in SURFACES if s.name.startswith("import-format export")}
    assert walked == set(kinds.KINDS)


# --- the counter itself --------------------------------------------------------------------


MASKED_BODY = f"110101{BIRTH:%Y%m%d}042"
NUMBER = MASKED_BODY + id_check_char(MASKED_BODY)
MASKED = NUMBER[:6] + "********" + NUMBER[-4:]


def _count(text: str) -> int:
    return candidates(MASKED, birth_facts(text, NUMBER))


def test_a_masked_number_alone_leaves_thousands():
    assert _count(f"身份证号码 {MASKED} 女") >= 4 * MINIMUM


@pytest.mark.parametrize("shown", [
    '<input type="date" name="birth_date" value="1968-08-17">',  # a birth date in an edit form
    "出生年份</dt><dd>1968年</dd>",                               # a birth year on a detail page
    "姓名,性别,出生年份\n周测试,男,1968",                          # a birth year column in an export
    "1968年8月",
    f"年龄：{age_on(BIRTH, dt.date.today())}岁",
    "50–59岁",                                                     # a ten-year band
    "60后",
    NUMBER[:12] + "**" + NUMBER[-4:],                              # a less masked number
])
def test_the_counter_sees_a_birth_date_year_month_age_or_narrow_band(shown):
    assert _count(shown) < MINIMUM


def test_a_wide_band_or_dates_that_are_not_the_birth_leave_enough():
    assert _count("30岁及以上") >= MINIMUM
    assert _count("入会日期 2019-04-01 登记时间 2026-01-05 14:03") >= 4 * MINIMUM
