"""Who may open the dues pages, and what each sees (street A's worker never street B's; the branch
secretary of enterprise A only his own organisation's).

Rows: "own" is enterprise A's own branch (the enterprise user's), "a" street A's joint committee,
"b" street B's. Each has one member with a base and a payment.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from shanghui.directory.models import Person
from shanghui.party import dues, dues_services, services
from shanghui.testing import (
    access_params,
    api_headers,
    assert_access,
    assert_api,
    by_role,
    client_for,
    fill_path,
    fill_url,
)

D = dt.date


@pytest.fixture
def rows(world):
    cast, admin = world.cast, world.cast.admin
    own_org = services.organization_create(by=admin, name="东华门甲企业党支部", level="branch", form="own",
                                           enterprise=cast.enterprise_a, parent=world.ja, founded=D(2023, 1, 1))
    out = {}
    last = dues.last_ended_month(dt.date.today())
    for side, org, street, ent in (("own", own_org, cast.street_a, cast.enterprise_a),
                                   ("a", world.ja, cast.street_a, world.bare),
                                   ("b", world.jb, cast.street_b, cast.enterprise_b)):
        person = Person.objects.create(name=f"党费{side}党员", region=street, enterprise=ent)
        member = services.member_create(by=admin, person=person, organization=org, joined_party=D(2015, 7, 1),
                                        joined_org=D(2024, 8, 1))
        for year in range(2024, last.year + 1):
            dues_services.base_declare(by=admin, member=member, year=year, category="employed",
                                       base=Decimal("4000"))
        payment = dues_services.payment_record(by=admin, member=member, first_month=D(2024, 8, 1), months=3,
                                               paid_on=D(2024, 8, 5))
        out[side] = {"org": org, "member": member, "payment": payment}
    return world, out


WEB_CASES = {
    "party:dues_index": by_role(anonymous=302, admin=200, worker_a=200, leader=200, instructor_a=200,
                                handler_a=200, enterprise_user_a=200, auditor=200),
    "party:dues_organization": [
        *by_role(("own", "org"), anonymous=302, worker_a=200, enterprise_user_a=200, instructor_a=200, auditor=404),
        *by_role(("a", "org"), worker_a=200, enterprise_user_a=404),
        *by_role(("b", "org"), worker_a=404, admin=200, leader=200, enterprise_user_a=404),
    ],
    "party:dues_member": [
        *by_role(("own", "member"), anonymous=302, worker_a=200, enterprise_user_a=200, leader=200, auditor=404),
        *by_role(("a", "member"), enterprise_user_a=404),
        *by_role(("b", "member"), worker_a=404, admin=200, enterprise_user_a=404),
    ],
    "party:dues_base_declare": [
        *by_role(("a", "member"), anonymous=302, worker_a=200, admin=200, leader=403, instructor_a=403,
                 enterprise_user_a=403),
        *by_role(("b", "member"), worker_a=404),
    ],
    "party:dues_payment_create": [
        *by_role(("own", "member"), anonymous=302, worker_a=200, leader=403, handler_a=403, enterprise_user_a=403),
        *by_role(("b", "member"), worker_a=404),
    ],
    "party:dues_reason": [
        *by_role(("a", "member"), anonymous=302, worker_a=200, leader=403, enterprise_user_a=403),
        *by_role(("b", "member"), worker_a=404),
    ],
    "party:dues_payment_delete": [
        *by_role(("a", "payment"), method="post", anonymous=302, leader=403, enterprise_user_a=403, worker_a=302),
        *by_role(("b", "payment"), method="post", worker_a=404),
    ],
    "party:dues_arrears": by_role(anonymous=302, worker_a=200, leader=200, auditor=200, enterprise_user_a=403),
    "party:dues_arrears_export": by_role(anonymous=302, worker_a=200, leader=200, enterprise_user_a=403),
    "party:dues_handup_create": by_role(anonymous=302, worker_a=200, admin=200, leader=403, instructor_a=403,
                                        enterprise_user_a=403),
}

# name → [(who, method, path with {group.noun} placeholders, body key or None, expected)].
P = "/api/v1/party/dues"
API_CASES = {
    "api:list_dues_bases": [("anonymous", "get", f"{P}/bases", None, 401), ("worker_a", "get", f"{P}/bases", None, 200),
                            ("enterprise_user_a", "get", f"{P}/bases", None, 200)],
    "api:declare_dues_base": [("anonymous", "post", f"{P}/bases", "base_a", 401),
                              ("leader", "post", f"{P}/bases", "base_a", 403),
                              ("enterprise_user_a", "post", f"{P}/bases", "base_own", 403),
                              ("worker_a", "post", f"{P}/bases", "base_b", 422),  # B's member: unknown to her
                              ("worker_a", "post", f"{P}/bases", "base_a", 201)],
    "api:list_dues_payments": [("anonymous", "get", f"{P}/payments", None, 401),
                               ("auditor", "get", f"{P}/payments", None, 200),
                               ("enterprise_user_a", "get", f"{P}/payments", None, 200)],
    "api:get_dues_payment": [("worker_a", "get", f"{P}/payments/{{a.payment}}", None, 200),
                             ("worker_a", "get", f"{P}/payments/{{b.payment}}", None, 404),
                             ("enterprise_user_a", "get", f"{P}/payments/{{own.payment}}", None, 200),
                             ("enterprise_user_a", "get", f"{P}/payments/{{a.payment}}", None, 404)],
    "api:record_dues_payment": [("anonymous", "post", f"{P}/payments", "pay_a", 401),
                                ("leader", "post", f"{P}/payments", "pay_a", 403),
                                ("worker_b", "post", f"{P}/payments", "pay_a", 422),
                                ("worker_a", "post", f"{P}/payments", "pay_overlap", 422),
                                ("worker_a", "post", f"{P}/payments", "pay_a", 201)],
    "api:delete_dues_payment": [("leader", "delete", f"{P}/payments/{{a.payment}}", None, 403),
                                ("worker_a", "delete", f"{P}/payments/{{b.payment}}", None, 404),
                                ("worker_a", "delete", f"{P}/payments/{{a.payment}}", None, 204)],
    "api:list_dues_hand_ups": [("anonymous", "get", f"{P}/hand-ups", None, 401),
                               ("worker_a", "get", f"{P}/hand-ups", None, 200)],
    "api:record_dues_hand_up": [("leader", "post", f"{P}/hand-ups", "hand_a", 403),
                                ("worker_a", "post", f"{P}/hand-ups", "hand_b", 422),
                                ("worker_a", "post", f"{P}/hand-ups", "hand_a", 201)],
    "api:list_dues_arrears": [("anonymous", "get", f"{P}/arrears", None, 401),
                              ("worker_a", "get", f"{P}/arrears", None, 200),
                              ("enterprise_user_a", "get", f"{P}/arrears", None, 200)],
    "api:dues_figures": [("anonymous", "get", f"{P}/figures", None, 401), ("worker_a", "get", f"{P}/figures", None, 200),
                         ("leader", "get", f"{P}/figures?year=2024&street=110101002", None, 200),
                         ("worker_a", "get", f"{P}/figures?street=110101002", None, 422),
                         ("enterprise_user_a", "get", f"{P}/figures", None, 403)],
}
DUES_URL_NAMES = set(WEB_CASES) | set(API_CASES)


def _bodies(out) -> dict:
    return {
        "base_a": {"member": out["a"]["member"].pk, "year": 2023, "category": "retired", "base": "4800"},
        "base_b": {"member": out["b"]["member"].pk, "year": 2023, "category": "retired", "base": "4800"},
        "base_own": {"member": out["own"]["member"].pk, "year": 2023, "category": "retired", "base": "4800"},
        "pay_a": {"member": out["a"]["member"].pk, "first_month": "2024-11-01", "months": 2, "paid_on": "2024-11-03"},
        "pay_overlap": {"member": out["a"]["member"].pk, "first_month": "2024-09-01", "months": 2,
                        "paid_on": "2024-11-03"},
        "hand_a": {"organization": out["a"]["org"].pk, "month": "2024-09-01", "amount": "60.00",
                   "handed_on": "2024-10-10"},
        "hand_b": {"organization": out["b"]["org"].pk, "month": "2024-09-01", "amount": "60.00",
                   "handed_on": "2024-10-10"},
    }


@pytest.mark.parametrize(("name", "case"), access_params(API_CASES))
def test_dues_api_access(rows, name, case):
    world, out = rows
    who, method, path, body, expected = case
    assert_api(world.cast, who, method, fill_path(path, out), expected, _bodies(out)[body] if body else None)


def test_dues_api_lists_are_scoped(rows):
    world, out = rows
    pks = {side: out[side]["payment"].pk for side in out}
    for who, sees in (("worker_a", {"own", "a"}), ("enterprise_user_a", {"own"}), ("worker_b", {"b"})):
        items = Client().get("/api/v1/party/dues/payments", **api_headers(world.cast, who)).json()["items"]
        assert {i["id"] for i in items} == {pks[s] for s in sees}, who
    figures = Client().get("/api/v1/party/dues/figures?year=2024", **api_headers(world.cast, "worker_a")).json()
    assert {f["label"] for f in figures["organizations"]} == {out["own"]["org"].name, world.ja.name}


@pytest.mark.parametrize(("name", "case"), access_params(WEB_CASES))
def test_dues_page_access(rows, name, case):
    world, out = rows
    who, method, target, expected = case
    assert_access(world.cast, who, method, fill_url(name, target, out), expected)


def _page(world, who, name, *args, **params) -> str:
    response = client_for(world.cast, who).get(reverse(name, args=args), params)
    assert response.status_code == 200
    return response.content.decode() if hasattr(response, "content") else ""


def test_a_street_worker_sees_only_her_streets_dues(rows):
    world, out = rows
    page = _page(world, "worker_a", "party:dues_index", year=2024)
    assert out["own"]["org"].name in page and world.ja.name in page
    assert world.jb.name not in page


def test_the_enterprise_user_sees_only_his_own_organisations_dues(rows):
    world, out = rows
    page = _page(world, "enterprise_user_a", "party:dues_index", year=2024)
    assert out["own"]["org"].name in page
    assert world.ja.name not in page and world.jb.name not in page
    org_page = _page(world, "enterprise_user_a", "party:dues_organization", out["own"]["org"].pk, year=2024)
    assert out["own"]["member"].person.name in org_page
    assert out["a"]["member"].person.name not in org_page


def test_the_arrears_export_is_the_users_street_and_masked(rows):
    world, out = rows
    response = client_for(world.cast, "worker_a").get(reverse("party:dues_arrears_export"), {"format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    # Paid August–October 2024 only: every member is far behind by now.
    assert out["own"]["member"].person.name in text and out["a"]["member"].person.name in text
    assert out["b"]["member"].person.name not in text


def test_a_payment_form_refuses_overlap_with_a_chinese_message(rows):
    world, out = rows
    member = out["a"]["member"]
    response = client_for(world.cast, "worker_a").post(
        reverse("party:dues_payment_create", args=[member.pk]),
        {"first_month": "2024-10", "months": "2", "method": "cash", "paid_on": "2024-11-01"})
    assert response.status_code == 200
    assert "不能重复缴纳" in response.content.decode()
    assert member.dues_payments.count() == 1
