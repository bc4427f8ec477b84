"""Who may see and change the recruitment records (发展党员), on every recruitment URL (web and API), and the
scope rules: a street worker never sees another street's candidates, the enterprise user (branch secretary)
only those of his enterprise's own organisation.

Rows: "a" a candidate of 东华门文化传媒有限公司党支部 (enterprise_a's own organisation, street A), "a2" one of the
joint committee of street A, "b" one of the joint committee of street B.
"""

import datetime as dt
import re

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from shanghui.directory.models import Person
from shanghui.party import recruitment_services as rs
from shanghui.party import services
from shanghui.party.models import RecruitmentCandidate
from shanghui.testing import (
    access_params,
    api_headers,
    assert_access,
    assert_api,
    by_role,
    client_for,
    fill_url,
)

D = dt.date


def _advance(by, c):
    rs.step_add(by=by, candidate=c, kind="talk", date=D(2024, 8, 10), people="李支书")
    rs.step_add(by=by, candidate=c, kind="activist", date=D(2024, 9, 1))
    rs.step_add(by=by, candidate=c, kind="contacts", date=D(2024, 9, 1), people="张三")


@pytest.fixture
def rows(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cast, admin = world.cast, world.cast.admin
    oe = services.organization_create(by=admin, name="东华门文化传媒有限公司党支部", level="branch", form="own",
                                      enterprise=cast.enterprise_a, parent=world.ja, founded=D(2022, 1, 1))
    out = {}
    for side, org, street, ent in (("a", oe, cast.street_a, cast.enterprise_a),
                                   ("a2", world.ja, cast.street_a, world.bare),
                                   ("b", world.jb, cast.street_b, cast.enterprise_b)):
        person = Person.objects.create(name=f"申请人{side.upper()}", region=street, enterprise=ent)
        c = rs.candidate_create(by=admin, person=person, organization=org, applied=D(2024, 8, 1),
                                birth_date=D(1990, 1, 1))
        _advance(admin, c)
        step = c.steps.get(kind="application")
        step.document.save("application.pdf", ContentFile(b"%PDF-1.4 application"), save=True)
        out[side] = {"candidate": c, "doc_step": step, "step": c.steps.get(kind="activist")}
    return world, out


WEB_CASES = {
    "party:candidate_list": by_role(anonymous=302, admin=200, worker_a=200, leader=200, instructor_a=200,
                                    handler_a=200, enterprise_user_a=200, auditor=200),
    "party:candidate_export": by_role(anonymous=302, worker_a=200, leader=200, enterprise_user_a=403),
    "party:candidate_create": by_role(anonymous=302, worker_a=200, admin=200, leader=403, instructor_a=403,
                                      enterprise_user_a=403),
    "party:candidate_edit": [
        *by_role(("a", "candidate"), anonymous=302, worker_a=200, leader=403, enterprise_user_a=403, auditor=404),
        *by_role(("b", "candidate"), worker_a=404, admin=200),
    ],
    "party:candidate_delete": [
        *by_role(("a", "candidate"), anonymous=302, worker_a=200, leader=403, enterprise_user_a=403),
        *by_role(("b", "candidate"), worker_a=404),
    ],
    "party:candidate_detail": [
        *by_role(("a", "candidate"), anonymous=302, worker_a=200, leader=200, instructor_a=200, handler_a=200,
                 enterprise_user_a=200, auditor=404),
        *by_role(("a2", "candidate"), worker_a=200, enterprise_user_a=404),
        *by_role(("b", "candidate"), worker_a=404, instructor_a=404, enterprise_user_a=404, admin=200),
    ],
    "party:candidate_step_add": [
        *by_role(("a", "candidate"), anonymous=302, worker_a=200, leader=403, instructor_a=403,
                 enterprise_user_a=403),
        *by_role(("b", "candidate"), worker_a=404),
    ],
    "party:candidate_record_docx": [
        *by_role(("a", "candidate"), anonymous=302, worker_a=200, leader=200, enterprise_user_a=403),
        *by_role(("b", "candidate"), worker_a=404),
    ],
    "party:candidate_publicity_docx": [
        *by_role(("a", "candidate"), anonymous=302, worker_a=404, enterprise_user_a=403),  # no 公示 yet
    ],
    "party:recruitment_step_delete": [
        *by_role(("a", "step"), anonymous=302, worker_a=200, leader=403, enterprise_user_a=403),
        *by_role(("b", "step"), worker_a=404),
    ],
    "party:recruitment_step_upload": [
        *by_role(("a", "step"), anonymous=302, worker_a=200, leader=403, enterprise_user_a=403),
        *by_role(("b", "step"), worker_a=404),
    ],
    "party:recruitment_step_document": [
        *by_role(("a", "doc_step"), anonymous=302, worker_a=200, leader=200, enterprise_user_a=200, auditor=404),
        *by_role(("a2", "doc_step"), enterprise_user_a=404),
        *by_role(("b", "doc_step"), worker_a=404),
    ],
    "party:recruitment_todo": by_role(anonymous=302, worker_a=200, instructor_a=200, enterprise_user_a=200,
                                      auditor=200),
}


@pytest.mark.parametrize(("name", "case"), access_params(WEB_CASES))
def test_web_page_access(rows, name, case):
    world, out = rows
    who, method, target, expected = case
    assert_access(world.cast, who, method, fill_url(name, target, out), expected)


def _seen(client, url) -> set[str]:
    page = client.get(url).content.decode()
    found = set()
    for c in RecruitmentCandidate.objects.select_related("person"):
        if f">{c.person.name}<" in page:
            found.add(c.person.name)
    return found


def test_scope_of_the_list_and_the_todo(rows):
    world, _ = rows
    cast = world.cast
    expect = {"worker_a": {"申请人A", "申请人A2"}, "worker_b": {"申请人B"}, "instructor_a": {"申请人A", "申请人A2"},
              "enterprise_user_a": {"申请人A"}, "admin": {"申请人A", "申请人A2", "申请人B"}, "auditor": set()}
    for who, names in expect.items():
        client = client_for(cast, who)
        assert _seen(client, reverse("party:candidate_list")) == names, who
        # Each is an activist since 2024-09-01 without an assessment: overdue on every to-do list.
        assert _seen(client, reverse("party:recruitment_todo")) == names, who


def test_the_export_holds_only_the_users_street(rows):
    world, _ = rows
    response = client_for(world.cast, "worker_a").get(reverse("party:candidate_export"), {"format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "申请人A" in text and "申请人B" not in text


def test_a_street_worker_cannot_record_a_step_of_another_street(rows):
    world, out = rows
    c = out["b"]["candidate"]
    before = c.steps.count()
    response = client_for(world.cast, "worker_a").post(reverse("party:candidate_step_add", args=[c.pk]),
                                                        {"kind": "assessment", "date": "2024-12-01"})
    assert response.status_code == 404 and c.steps.count() == before


def test_a_refused_step_is_shown_with_its_article_and_writes_nothing(rows):
    world, out = rows
    c = out["a"]["candidate"]
    before = c.steps.count()
    client = client_for(world.cast, "worker_a")
    client.post(reverse("party:candidate_step_add", args=[c.pk]), {"kind": "assessment", "date": "2024-12-01"})
    response = client.post(reverse("party:candidate_step_add", args=[c.pk]),
                           {"kind": "development", "date": "2025-03-01"})
    assert response.status_code == 200
    assert "第十三条" in response.content.decode()
    assert c.steps.count() == before + 1


def test_documents_are_word_files(rows):
    world, out = rows
    response = client_for(world.cast, "worker_a").get(reverse("party:candidate_record_docx",
                                                              args=[out["a"]["candidate"].pk]))
    assert response.status_code == 200 and response.content[:2] == b"PK"


# --- the API -------------------------------------------------------------------------

BASE = "/api/v1/party/recruitment"
API_CASES = {
    "api:list_recruitment_candidates": by_role(f"{BASE}/candidates", anonymous=401, worker_a=200,
                                               enterprise_user_a=200, auditor=200),
    "api:get_recruitment_candidate": [
        *by_role("a", anonymous=401, worker_a=200, enterprise_user_a=200, leader=200),
        *by_role("b", worker_a=404, enterprise_user_a=404),
        *by_role("a2", enterprise_user_a=404),
    ],
    "api:create_recruitment_candidate": by_role("new", method="post", anonymous=401, worker_a=201, leader=403,
                                                enterprise_user_a=403, worker_b=422),
    "api:add_recruitment_step": [
        *by_role("step_a", method="post", anonymous=401, worker_a=201, leader=403, enterprise_user_a=403),
        *by_role("step_b", method="post", worker_a=404),
        *by_role("step_early", method="post", worker_a=422),
    ],
    "api:recruitment_todo": by_role(f"{BASE}/todo", anonymous=401, worker_a=200, enterprise_user_a=200),
    "api:recruitment_rules": by_role(f"{BASE}/rules", anonymous=401, worker_a=200, enterprise_user_a=200),
}


@pytest.mark.parametrize(("name", "case"), access_params(API_CASES))
def test_api_case(rows, name, case):
    world, out = rows
    who, method, target, expected = case
    body = None
    if target in ("a", "b", "a2"):
        url = f"{BASE}/candidates/{out[target]['candidate'].pk}"
    elif target == "new":
        person = Person.objects.create(name="新申请人", region=world.cast.street_a)
        url, body = f"{BASE}/candidates", {"person": person.pk, "organization": world.ja.pk,
                                           "applied": "2024-08-01", "birth_date": "1990-05-01"}
    elif target.startswith("step_"):
        side = {"step_a": "a", "step_b": "b", "step_early": "a"}[target]
        url = f"{BASE}/candidates/{out[side]['candidate'].pk}/steps"
        body = {"kind": "assessment", "date": "2024-12-01", "people": "张三"}
        if target == "step_early":
            body = {"kind": "development", "date": "2025-03-01"}
    else:
        url = target
    response = assert_api(world.cast, who, method, url, expected, body)
    if name == "api:list_recruitment_candidates" and expected == 200:
        names = {i["person_name"] for i in response.json()["items"]}
        assert names == {"worker_a": {"申请人A", "申请人A2"}, "enterprise_user_a": {"申请人A"},
                         "auditor": set()}[who]
    if target == "step_early":
        assert "第十三条" in response.json()["detail"] + str(response.json().get("errors"))


def test_api_never_lists_another_streets_candidates(rows):
    world, _ = rows
    data = Client().get(f"{BASE}/candidates", **api_headers(world.cast, "worker_b")).json()
    assert {i["person_name"] for i in data["items"]} == {"申请人B"}


RECRUITMENT_URL_NAMES = set(WEB_CASES) | set(API_CASES)


def test_the_party_dashboard_counts_the_users_todo(rows):
    world, _ = rows
    for who, n in (("worker_a", 4), ("worker_b", 2), ("admin", 6)):
        # Each candidate: the half-year assessment and the "may be considered" reminder are overdue.
        page = client_for(world.cast, who).get(reverse("party:dashboard")).content.decode()
        badge = re.search(r'id="recruitment-todo-count">(\d+)<', page)
        assert badge and int(badge.group(1)) == n, who


def test_no_page_export_or_api_answer_puts_the_birth_date_beside_a_masked_id(rows):
    """A birth date beside 110101********1234 gives back the digits the mask hides: the dossier shows the
    age at application, the masked import-format export and the API leave the birth date out."""
    world, out = rows
    candidate = out["a"]["candidate"]
    client = client_for(world.cast, "worker_a")
    page = client.get(reverse("party:candidate_detail", args=[candidate.pk])).content.decode()
    assert "1990-01-01" not in page and "申请时年龄" in page and "34岁" in page
    export = client.get(reverse("imports:export", args=["recruitment_candidates"]), {"format": "csv"})
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "申请人A" in text and "1990-01-01" not in text and "出生日期" not in text
    api = Client(**api_headers(world.cast, "worker_a"))
    answer = api.get(f"/api/v1/party/recruitment/candidates/{candidate.pk}").content.decode()
    assert "1990-01-01" not in answer
