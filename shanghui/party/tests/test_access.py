"""Who may see and change the party records, on every party URL (web and API).

`PARTY_URL_NAMES` lists the URL names tested here; the site-wide enumeration test
(core/tests/test_url_access.py) counts them as covered. Every name in it comes from a
matrix or case below, so a name cannot be listed without being tested.

Own rows are in street A (东华门), other rows in street B (景山), both inside the district.
"""

import datetime as dt
import json

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from shanghui.directory.models import Person
from shanghui.party import services
from shanghui.party.models import (
    InstructorAssignment,
    PartyCoverage,
    PartyOrganization,
)
from shanghui.party.registers import REGISTERS
from shanghui.testing import (
    access_params,
    api_headers,
    assert_access,
    assert_api,
    assert_row,
    by_role,
    client_for,
    fill_url,
)

D = dt.date
ROLES = ["admin", "worker_a", "leader", "instructor_a", "handler_a", "enterprise_user_a", "auditor", "anonymous"]


@pytest.fixture
def rows(world, settings, tmp_path):
    """One row of each register in street A ("a") and in street B ("b")."""
    settings.MEDIA_ROOT = tmp_path
    cast, admin = world.cast, world.cast.admin
    out = {"a": {}, "b": {}}
    for side, org, street, ent in (("a", world.ja, cast.street_a, cast.enterprise_a),
                                   ("b", world.jb, cast.street_b, cast.enterprise_b)):
        person = Person.objects.create(name=f"党员{side.upper()}甲", region=street, enterprise=ent)
        out[side]["organization"] = org
        out[side]["coverage"] = PartyCoverage.objects.get(organization=org, enterprise=ent)
        out[side]["member"] = services.member_create(by=admin, person=person, organization=org,
                                                     joined_party=D(2015, 7, 1), joined_org=D(2024, 8, 1))
        out[side]["orglife"] = services.orglife_create(by=admin, organization=org, kind="theme_day",
                                                       date=D(2024, 9, 1), topic=f"主题党日{side.upper()}场",
                                                       attendance=12)
    out["a"]["assignment"] = InstructorAssignment.objects.get(enterprise=world.instructed)
    out["b"]["assignment"] = InstructorAssignment.objects.get(enterprise=world.b_instructed)
    out["a"]["visit"] = services.visit_create(by=admin, assignment=out["a"]["assignment"], date=D(2024, 2, 1),
                                              topics="宣讲党建政策甲")
    out["b"]["visit"] = services.visit_create(by=admin, assignment=out["b"]["assignment"], date=D(2024, 2, 1),
                                              topics="宣讲党建政策乙")
    entry = out["a"]["orglife"]
    entry.minutes.save("minutes.pdf", ContentFile(b"%PDF-1.4 minutes"), save=True)
    return world, out


def label(noun: str, obj) -> str:
    """The text by which a row is recognised in its list page and export."""
    return {
        "organization": lambda o: o.name,
        "coverage": lambda c: c.enterprise.name,
        "member": lambda m: m.person.name,
        "assignment": lambda a: a.enterprise.name,
        "visit": lambda v: v.topics,
        "orglife": lambda r: r.topic,
    }[noun](obj)


# --- the web registers --------------------------------------------------------------

# list own, list other, detail own, detail other, create, edit own, edit other, delete own, delete other,
# export own, export other. "·" where a register has no detail page.
WRITER_BOTH = "+ + 200 200 200 200 200 200 200 + +"
WRITER_OWN = "+ - 200 404 200 200 404 200 404 + -"
READER_BOTH = "+ + 200 200 403 403 403 403 403 + +"
READER_OWN = "+ - 200 404 403 403 404 403 404 + -"
NOTHING = "- - 404 404 403 404 404 404 404 - -"
STAFF_PAGES = "- - 403 403 403 403 403 403 403 403 403"  # an enterprise user's (accounts/pages.py)
ANON = "- - 302 302 302 302 302 302 302 302 302"
WEB_EXPECTED = {
    "admin": {n: WRITER_BOTH for n in REGISTERS},
    "worker_a": {n: WRITER_OWN for n in REGISTERS},
    "leader": {n: READER_BOTH for n in REGISTERS},
    # The instructor reads his street; he records visits to the enterprises assigned to him.
    "instructor_a": {**{n: READER_OWN for n in REGISTERS}, "visit": WRITER_OWN},
    "handler_a": {n: READER_OWN for n in REGISTERS},
    "enterprise_user_a": {n: STAFF_PAGES for n in REGISTERS},
    "auditor": {n: NOTHING for n in REGISTERS},
    "anonymous": {n: ANON for n in REGISTERS},
}
WEB_ACTIONS = ("list", "export", "create", "edit", "delete")


def _export_text(client, url) -> str | int:
    response = client.get(url, {"format": "csv"})
    if response.status_code != 200:
        return response.status_code
    return b"".join(response.streaming_content).decode("utf-8-sig")


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("noun", list(REGISTERS))
def test_web_register_access(rows, who, noun):
    world, out = rows
    reg = REGISTERS[noun]
    client = client_for(world.cast, who)
    own, other = out["a"][noun], out["b"][noun]

    def status(name, obj=None):
        return str(client.get(reverse(f"party:{noun}_{name}", args=[obj.pk] if obj else [])).status_code)

    listing = client.get(reverse(f"party:{noun}_list"))
    text = listing.content.decode() if listing.status_code == 200 else ""
    export = _export_text(client, reverse(f"party:{noun}_export"))
    actual = [
        "+" if label(noun, own) in text else "-",
        "+" if label(noun, other) in text else "-",
        status("detail", own) if reg.has_detail else "·",
        status("detail", other) if reg.has_detail else "·",
        status("create"), status("edit", own), status("edit", other), status("delete", own),
        status("delete", other),
        str(export) if isinstance(export, int) else ("+" if label(noun, own) in export else "-"),
        str(export) if isinstance(export, int) else ("+" if label(noun, other) in export else "-"),
    ]
    expected = WEB_EXPECTED[who][noun].split()
    if not reg.has_detail:
        expected[2] = expected[3] = "·"
    columns = ["list own", "list other", "detail own", "detail other", "create", "edit own", "edit other",
               "delete own", "delete other", "export own", "export other"]
    assert_row(f"{who} × {noun}", columns, expected, actual)


def test_a_refused_post_writes_nothing(rows):
    """A street worker posting to the other street's rows (404) or a reader posting (403) changes nothing."""
    world, out = rows
    before = list(PartyOrganization.objects.values_list("pk", "name", "secretary").order_by("pk"))
    worker = client_for(world.cast, "worker_a")
    assert worker.post(reverse("party:organization_edit", args=[out["b"]["organization"].pk]),
                       {"name": "改名", "secretary": "张三"}).status_code == 404
    assert worker.post(reverse("party:organization_delete", args=[out["b"]["organization"].pk])).status_code == 404
    leader = client_for(world.cast, "leader")
    assert leader.post(reverse("party:organization_delete", args=[out["a"]["organization"].pk])).status_code == 403
    assert list(PartyOrganization.objects.values_list("pk", "name", "secretary").order_by("pk")) == before


# --- the other web pages --------------------------------------------------------------

# name → [(who, method, target, expected)]; target is (side, noun) of the row whose pk goes in the URL,
# or a dict of URL kwargs.
KPI = {"key": "organisation", "which": "missing"}
WEB_CASES = {
    "party:dashboard":
        by_role(anonymous=302, worker_a=200, admin=200, leader=200, auditor=200, enterprise_user_a=403),
    "party:kpi_list": [
        *by_role(KPI, anonymous=302, worker_a=200, leader=200, enterprise_user_a=403),
        *by_role({"key": "nope", "which": "missing"}, worker_a=404),
        *by_role({"key": "own", "which": "nope"}, worker_a=404),
    ],
    "party:kpi_export": [
        *by_role(KPI, anonymous=302, worker_a=200, leader=200, enterprise_user_a=403),
        *by_role({"key": "nope", "which": "covered"}, worker_a=404),
    ],
    "party:compliance": by_role(anonymous=302, worker_a=200, auditor=200),
    "party:should_form_own": by_role(anonymous=302, worker_a=200, leader=200),
    "party:member_transfer": [
        *by_role(("a", "member"), anonymous=302, worker_a=200, leader=403, instructor_a=403,
                 enterprise_user_a=403),
        *by_role(("b", "member"), worker_a=404),
    ],
    "party:coverage_move": [
        *by_role(("a", "coverage"), anonymous=302, worker_a=200, leader=403, auditor=404),
        *by_role(("b", "coverage"), worker_a=404),
    ],
    "party:orglife_minutes": [
        *by_role(("a", "orglife"), anonymous=302, worker_a=200, leader=200, enterprise_user_a=403,
                 auditor=404),
        *by_role(("b", "orglife"), worker_a=404, admin=404),  # admin: no minutes uploaded in B
    ],
}


@pytest.mark.parametrize(("name", "case"), access_params(WEB_CASES))
def test_web_page_access(rows, name, case):
    world, out = rows
    who, method, target, expected = case
    assert_access(world.cast, who, method, fill_url(name, target, out), expected)


def test_kpi_drilldown_shows_only_the_users_street(rows):
    world, _ = rows
    page = client_for(world.cast, "worker_a").get(reverse("party:kpi_list", args=["work", "missing"]),
                                                  {"end": "2024-12-31"}).content.decode()
    assert world.instructed.name in page and world.bare.name in page
    assert world.b_instructed.name not in page and world.cast.enterprise_b.name not in page
    csv = _export_text(client_for(world.cast, "worker_a"),
                       reverse("party:kpi_export", args=["organisation", "covered"]) + "?end=2024-12-31")
    assert world.moved_ent.name in csv and world.cast.enterprise_b.name not in csv


# --- the API -------------------------------------------------------------------------

API = {
    "organization": ("organizations", "party_organization", "party_organizations"),
    "coverage": ("coverages", "party_coverage", "party_coverages"),
    "member": ("members", "party_member", "party_members"),
    "assignment": ("assignments", "instructor_assignment", "instructor_assignments"),
    "visit": ("visits", "instructor_visit", "instructor_visits"),
    "orglife": ("orglife", "orglife_record", "orglife_records"),
}
# list own, list other, get own, get other, create, update own, update other, delete other.
API_WRITER_BOTH = "+ + 200 200 201 200 200 {delete}"
API_WRITER_OWN = "+ - 200 404 201 200 404 404"
API_READER_OWN = "+ - 200 404 403 403 404 404"
API_NONE = "- - 404 404 {create} 404 404 404"
# The district admin deletes the other street's row where nothing depends on it; an organisation
# with members and coverage cannot be deleted (422).
API_EXPECTED = {
    "admin": {n: API_WRITER_BOTH.format(delete="422" if n == "organization" else "204") for n in API},
    "worker_a": {n: API_WRITER_OWN for n in API},
    "leader": {n: "+ + 200 200 403 403 403 403" for n in API},
    "instructor_a": {**{n: API_READER_OWN for n in API}, "visit": API_WRITER_OWN},
    "handler_a": {n: API_READER_OWN for n in API},
    # The party registers are staff operations: refused to an enterprise user before any lookup (api/auth.py).
    "enterprise_user_a": {n: "- - 403 403 403 403 403 403" for n in API},
    # Nothing visible: the references in a create body are unknown to them (422).
    "auditor": {n: API_NONE.format(create="422") for n in API},
    "anonymous": {n: "- - 401 401 401 401 401 401" for n in API},
}


def _payload(world, out, noun) -> dict:
    cast = world.cast
    return {
        "organization": {"name": "东华门新建联合党支部", "level": "branch", "form": "joint",
                         "host_chamber": cast.chamber_a.pk, "parent": world.ja.pk, "founded": "2024-01-01"},
        "coverage": {"organization": world.ja.pk, "enterprise": world.bare.pk, "start": "2024-01-01"},
        "member": {"person": cast.person_a.pk, "organization": world.ja.pk, "joined_party": "2001-07-01",
                   "joined_org": "2020-01-01"},
        "assignment": {"instructor": world.instructor_a.pk, "enterprise": world.bare.pk, "start": "2024-01-01"},
        "visit": {"assignment": out["a"]["assignment"].pk, "date": "2024-03-01", "topics": "了解企业党员情况"},
        "orglife": {"organization": world.ja.pk, "kind": "lecture", "date": "2024-05-01", "topic": "专题党课",
                    "attendance": 20},
    }[noun]


PATCH = {"organization": {"secretary": "赵书记"}, "coverage": {"end": "2024-12-31"},
         "member": {"flowing": True}, "assignment": {"end": "2024-12-31"}, "visit": {"follow_ups": "下月回访"},
         "orglife": {"attendance": 15}}


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("noun", list(API))
def test_api_access(rows, who, noun):
    world, out = rows
    plural, _, _ = API[noun]
    own, other = out["a"][noun], out["b"][noun]
    headers = api_headers(world.cast, who)
    client = Client()
    base = f"/api/v1/party/{plural}"

    def status(method, url, body=None):
        kwargs = {"content_type": "application/json", "data": json.dumps(body)} if body is not None else {}
        return str(getattr(client, method)(url, **kwargs, **headers).status_code)

    listing = client.get(base, {"page_size": 100}, **headers)
    ids = {i["id"] for i in listing.json().get("items", [])} if listing.status_code == 200 else set()
    actual = [
        "+" if own.pk in ids else "-", "+" if other.pk in ids else "-",
        status("get", f"{base}/{own.pk}"), status("get", f"{base}/{other.pk}"),
        status("post", base, _payload(world, out, noun)),
        status("patch", f"{base}/{own.pk}", PATCH[noun]), status("patch", f"{base}/{other.pk}", PATCH[noun]),
        status("delete", f"{base}/{other.pk}"),
    ]
    expected = API_EXPECTED[who][noun].split()
    columns = ["list own", "list other", "get own", "get other", "create", "update own", "update other",
               "delete other"]
    assert_row(f"API {who} × {noun}", columns, expected, actual)


API_CASES = {
    "api:party_kpis": [("anonymous", "get", "/api/v1/party/kpis", 401), ("worker_a", "get", "/api/v1/party/kpis", 200),
                       ("auditor", "get", "/api/v1/party/kpis", 200),
                       ("worker_a", "get", "/api/v1/party/kpis?street=110101002", 422),
                       ("admin", "get", "/api/v1/party/kpis?street=110101002", 200),
                       ("admin", "get", "/api/v1/party/kpis?start=2025-01-01&end=2024-01-01", 422)],
    "api:party_kpi_rows": [("anonymous", "get", "/api/v1/party/kpis/own/missing", 401),
                           ("worker_a", "get", "/api/v1/party/kpis/own/missing", 200),
                           ("worker_a", "get", "/api/v1/party/kpis/nope/missing", 422)],
    "api:party_compliance": [("anonymous", "get", "/api/v1/party/compliance", 401),
                             ("worker_a", "get", "/api/v1/party/compliance?year=2024", 200)],
    "api:party_should_form_own": [("anonymous", "get", "/api/v1/party/should-form-own", 401),
                                  ("leader", "get", "/api/v1/party/should-form-own", 200)],
    "api:move_party_coverage": [("anonymous", "post", "/api/v1/party/coverages/move", 401),
                                ("leader", "post", "/api/v1/party/coverages/move", 403),
                                ("worker_b", "post", "/api/v1/party/coverages/move", 422),  # A's rows: unknown
                                ("worker_a", "post", "/api/v1/party/coverages/move", 201)],
    "api:transfer_party_member": [("anonymous", "post", "member_a", 401), ("leader", "post", "member_a", 403),
                                  ("worker_b", "post", "member_a", 404), ("worker_a", "post", "member_a", 201)],
}


@pytest.mark.parametrize(("name", "case"), access_params(API_CASES))
def test_api_case(rows, name, case):
    world, out = rows
    who, method, url, expected = case
    body = None
    if name == "api:move_party_coverage":
        body = {"enterprise": world.cast.enterprise_a.pk, "organization": world.ja.pk, "on": "2024-10-01"}
        # A fresh joint branch in A to move to.
        target = services.organization_create(by=world.cast.admin, name="东华门第二联合党支部", level="branch",
                                              form="joint", host_chamber=world.cast.chamber_a, parent=world.ja,
                                              founded=D(2024, 1, 1))
        body["organization"] = target.pk
    if name == "api:transfer_party_member":
        url = f"/api/v1/party/members/{out['a']['member'].pk}/transfer"
        target = services.organization_create(by=world.cast.admin, name="东华门第三联合党支部", level="branch",
                                              form="joint", host_chamber=world.cast.chamber_a, parent=world.ja,
                                              founded=D(2024, 1, 1))
        body = {"to": target.pk, "on": "2024-10-01"}
    assert_api(world.cast, who, method, url, expected, body)


def test_api_kpis_of_a_street_worker_are_her_streets(rows):
    world, _ = rows
    data = Client().get("/api/v1/party/kpis?end=2024-12-31", **api_headers(world.cast, "worker_a")).json()
    assert [s["street"] for s in data["streets"]] == ["110101001"]
    org = next(f for f in data["figures"] if f["key"] == "organisation")
    assert (org["numerator"], org["denominator"], org["rate"]) == (2, 4, 50.0)
    missing = Client().get("/api/v1/party/kpis/organisation/missing?end=2024-12-31",
                           **api_headers(world.cast, "worker_a")).json()
    assert {i["name"] for i in missing["items"]} == {world.instructed.name, world.bare.name}


# --- what the site-wide enumeration test counts as covered -------------------------------

PARTY_URL_NAMES = (
    {f"party:{n}_{a}" for n in WEB_EXPECTED["admin"] for a in WEB_ACTIONS}
    | {f"party:{n}_detail" for n, reg in REGISTERS.items() if reg.has_detail}
    | set(WEB_CASES)
    | {f"api:{verb}_{name}" for _, one, many in API.values()
       for verb, name in (("list", many), ("get", one), ("create", one), ("update", one), ("delete", one))}
    | set(API_CASES)
)
