"""Who may see and change honours and campaigns, on every honors URL (web and API).

`URL_NAMES` lists the URL names tested here; the site-wide enumeration test
(core/tests/test_url_access.py) fails on any URL without an access case. Every name in it
comes from a case below.

Own rows are in street A (东华门), other rows in street B (景山); the federation's own honour
belongs to the district and is seen by every region user of it.
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from shanghui.honors import services
from shanghui.honors.models import CategoryKind, Honor, Nomination, Objection
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

from .conftest import nominate

TODAY = dt.date.today()


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf")


@pytest.fixture
def rows(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cast, admin = world.cast, world.cast.admin
    out = {}
    for side, enterprise, chamber, org in (("a", cast.enterprise_a, cast.chamber_a, world.org_a),
                                            ("b", cast.enterprise_b, cast.chamber_b, world.org_b)):
        honor = services.honor_create(by=admin, title=f"{enterprise.name}诚信经营示范单位", level="district",
                                      issuer="东城区商务局", year=2019, recipient_kind="enterprise",
                                      enterprise=enterprise, evidence=_pdf(f"evidence-{side}.pdf"))
        spare = services.honor_create(by=admin, title=f"{chamber.name}先进商会", level="street", issuer="街道办事处",
                                      year=2020, recipient_kind="chamber", chamber=chamber)
        nomination = services.nomination_submit(by=admin, category=world.orgs, chamber=chamber, nominee=org,
                                                reasons="党建工作扎实。", attachment=_pdf(f"nomination-{side}.pdf"))
        out[side] = {"honor": honor, "spare": spare, "nomination": nomination}
    out["fed"] = {"honor": services.honor_create(by=admin, title="全国工商联系统先进单位", level="national",
                                                 issuer="全国工商联", year=2018, recipient_kind="federation",
                                                 federation=cast.district)}
    # A second campaign in its public notice, with one approved nomination per street and an objection on each.
    noticed = services.campaign_create(by=admin, year=2019, title="2019年度评选表彰", region=cast.district,
                                       categories=[(CategoryKind.ADVANCED_PARTY_ORG, 5)])
    category = noticed.categories.get()
    for side, chamber, org in (("a", cast.chamber_a, world.org_a), ("b", cast.chamber_b, world.org_b)):
        n = nominate(world, category, org, chamber=chamber)
        services.nomination_approve(by=admin, nomination=n)
        out[side]["noticed"] = n
    services.notice_start(by=admin, campaign=noticed, start=TODAY - dt.timedelta(days=1),
                          end=TODAY + dt.timedelta(days=5))
    for side in ("a", "b"):
        out[side]["objection"] = services.objection_file(by=admin, nomination=out[side]["noticed"], text="有异议")
    out["campaign"] = {"open": world.campaign, "noticed": noticed}
    return world, out


# name → [(who, method, target, expected)]; target: None or (side, noun) whose pk goes in the URL.
OPEN, NOTICED = ("campaign", "open"), ("campaign", "noticed")
WEB_CASES = {
    "honors:index": by_role(anonymous=302, worker_a=200, leader=200, auditor=200, enterprise_user_a=403),
    "honors:honor_list": by_role(anonymous=302, worker_a=200, auditor=200),
    "honors:honor_export": by_role(anonymous=302, worker_a=200, leader=200),
    "honors:honor_create":
        by_role(anonymous=302, worker_a=200, admin=200, leader=403, instructor_a=403, enterprise_user_a=403,
                auditor=403),
    "honors:honor_detail": [
        *by_role(("a", "honor"), anonymous=302, worker_a=200, enterprise_user_a=200, auditor=404),
        *by_role(("b", "honor"), worker_a=404, leader=200),
        *by_role(("fed", "honor"), worker_a=200, enterprise_user_a=404),
    ],
    "honors:honor_edit": [
        *by_role(("a", "honor"), anonymous=302, worker_a=200, leader=403, enterprise_user_a=403),
        *by_role(("b", "honor"), worker_a=404),
        *by_role(("fed", "honor"), worker_a=403, admin=200),
    ],
    "honors:honor_delete": [
        *by_role(("a", "spare"), anonymous=302, worker_a=200),
        *by_role(("a", "spare"), method="post", worker_a=302, leader=403),
        *by_role(("b", "spare"), method="post", worker_a=404),
    ],
    "honors:honor_evidence": [
        *by_role(("a", "honor"), anonymous=302, worker_a=200, enterprise_user_a=200),
        *by_role(("b", "honor"), worker_a=404),
        *by_role(("a", "spare"), worker_a=404),
    ],
    "honors:campaign_list": by_role(anonymous=302, worker_a=200, auditor=200),
    "honors:campaign_create": by_role(anonymous=302, admin=200, worker_a=403, leader=403),
    "honors:campaign_detail": [
        *by_role(OPEN, anonymous=302, worker_a=200, leader=200, enterprise_user_a=403, auditor=404),
        *by_role(NOTICED, worker_b=200, admin=200),
    ],
    "honors:campaign_review": [
        *by_role(OPEN, method="post", anonymous=302, admin=302, worker_a=403, enterprise_user_a=403),
        *by_role(OPEN, admin=405),
    ],
    "honors:campaign_notice": by_role(OPEN, method="post", anonymous=302, admin=302, worker_a=403, leader=403),
    "honors:campaign_decide":
        by_role(NOTICED, method="post", anonymous=302, admin=302, worker_a=403, leader=403),
    "honors:nomination_create": [
        *by_role(OPEN, anonymous=302, worker_a=200, admin=200, leader=403, enterprise_user_a=403),
        *by_role(NOTICED, worker_a=302),
    ],
    "honors:nomination_detail": [
        *by_role(("a", "nomination"), anonymous=302, worker_a=200, auditor=404, enterprise_user_a=403),
        *by_role(("b", "nomination"), worker_a=404, leader=200),
        *by_role(("a", "noticed"), worker_a=200),
        *by_role(("b", "noticed"), admin=200),
    ],
    "honors:nomination_approve": [
        *by_role(("a", "nomination"), method="post", anonymous=302, admin=302, worker_a=403),
        *by_role(("b", "nomination"), method="post", worker_a=404),
    ],
    "honors:nomination_reject": [
        *by_role(("a", "nomination"), method="post", anonymous=302, admin=302, worker_a=403),
        *by_role(("b", "nomination"), method="post", worker_a=404),
    ],
    "honors:nomination_attachment": [
        *by_role(("a", "nomination"), anonymous=302, worker_a=200),
        *by_role(("b", "nomination"), worker_a=404),
        *by_role(("a", "noticed"), worker_a=404),
    ],
    "honors:objection_create": [
        *by_role(("a", "noticed"), method="post", anonymous=302, worker_a=302, leader=403),
        *by_role(("b", "noticed"), method="post", worker_a=404),
    ],
    "honors:objection_resolve": [
        *by_role(("a", "objection"), method="post", anonymous=302, admin=302, worker_a=403),
        *by_role(("b", "objection"), method="post", worker_a=404),
    ],
}


@pytest.mark.parametrize(("name", "case"), access_params(WEB_CASES))
def test_web_page_access(rows, name, case):
    world, out = rows
    who, method, target, expected = case
    response = assert_access(world.cast, who, method, fill_url(name, target, out), expected)
    if expected == 302 and who == "anonymous":
        assert "/login" in response["Location"]


def test_lists_and_exports_show_only_the_users_rows(rows):
    world, out = rows
    own, other, fed = (out["a"]["honor"].title, out["b"]["honor"].title, out["fed"]["honor"].title)
    worker = client_for(world.cast, "worker_a")
    page = worker.get(reverse("honors:honor_list")).content.decode()
    assert own in page and fed in page and other not in page
    csv = b"".join(worker.get(reverse("honors:honor_export"), {"format": "csv"}).streaming_content).decode()
    assert own in csv and fed in csv and other not in csv
    leader = client_for(world.cast, "leader").get(reverse("honors:honor_list")).content.decode()
    assert own in leader and other in leader
    # The register is a staff page; an enterprise user sees his honours on his enterprise's page.
    enterprise = client_for(world.cast, "enterprise_user_a")
    assert enterprise.get(reverse("honors:honor_list")).status_code == 403
    page = enterprise.get(reverse("directory:enterprise_detail", args=[world.cast.enterprise_a.pk])).content.decode()
    assert own in page and other not in page and fed not in page


def test_a_street_worker_sees_only_her_streets_nominations_on_the_campaign_page(rows):
    world, out = rows
    page = client_for(world.cast, "worker_a").get(
        reverse("honors:campaign_detail", args=[world.campaign.pk])).content.decode()
    assert world.org_a.name in page and world.org_b.name not in page


def test_refused_posts_write_nothing(rows):
    world, out = rows
    worker = client_for(world.cast, "worker_a")
    before = list(Nomination.objects.values_list("pk", "state").order_by("pk"))
    assert worker.post(reverse("honors:nomination_approve", args=[out["a"]["nomination"].pk])).status_code == 403
    assert worker.post(reverse("honors:nomination_reject", args=[out["b"]["nomination"].pk]),
                       {"reason": "x"}).status_code == 404
    assert worker.post(reverse("honors:objection_create", args=[out["b"]["noticed"].pk]),
                       {"text": "越界异议"}).status_code == 404
    assert worker.post(reverse("honors:honor_edit", args=[out["b"]["honor"].pk]), {"title": "改名"}).status_code == 404
    assert list(Nomination.objects.values_list("pk", "state").order_by("pk")) == before
    assert Objection.objects.count() == 2
    assert Honor.objects.filter(title="改名").count() == 0


def test_a_street_worker_posting_a_nomination_for_another_street_is_refused_with_a_message(rows):
    world, out = rows
    cast = world.cast
    before = Nomination.objects.count()
    response = client_for(cast, "worker_a").post(reverse("honors:nomination_create", args=[world.campaign.pk]), {
        "category": world.members.pk, "chamber": cast.chamber_a.pk, "person": cast.person_b.pk, "reasons": "越界"})
    assert response.status_code == 200  # the form again, with the error
    assert "选择一个有效的选项" in response.content.decode() or "不在" in response.content.decode()
    assert Nomination.objects.count() == before


# --- the API -------------------------------------------------------------------------------

API_CASES = {
    "api:list_honors": [("anonymous", "get", "/api/v1/honors", None, 401), ("worker_a", "get", "/api/v1/honors", None, 200),
                        ("auditor", "get", "/api/v1/honors", None, 200)],
    "api:get_honor": [("worker_a", "get", "/api/v1/honors/{a.honor}", None, 200),
                      ("worker_a", "get", "/api/v1/honors/{b.honor}", None, 404),
                      ("worker_a", "get", "/api/v1/honors/{fed.honor}", None, 200),
                      ("leader", "get", "/api/v1/honors/{b.honor}", None, 200),
                      ("anonymous", "get", "/api/v1/honors/{a.honor}", None, 401)],
    "api:honor_counts": [("worker_a", "get", "/api/v1/honors/counts", None, 200),
                         ("leader", "get", "/api/v1/honors/counts?year=2019", None, 200),
                         ("leader", "get", "/api/v1/honors/counts?year=1800", None, 422),
                         ("anonymous", "get", "/api/v1/honors/counts", None, 401)],
    "api:list_campaigns": [("worker_a", "get", "/api/v1/honors/campaigns", None, 200),
                           ("anonymous", "get", "/api/v1/honors/campaigns", None, 401)],
    "api:get_campaign": [("worker_a", "get", "/api/v1/honors/campaigns/{campaign.open}", None, 200),
                         ("enterprise_user_a", "get", "/api/v1/honors/campaigns/{campaign.open}", None, 403),
                         ("anonymous", "get", "/api/v1/honors/campaigns/{campaign.open}", None, 401)],
    "api:list_nominations": [("worker_a", "get", "/api/v1/honors/campaigns/{campaign.open}/nominations", None, 200),
                             ("auditor", "get", "/api/v1/honors/campaigns/{campaign.open}/nominations", None, 404),
                             ("anonymous", "get", "/api/v1/honors/campaigns/{campaign.open}/nominations", None, 401)],
    "api:create_nomination": [
        ("worker_a", "post", "/api/v1/honors/campaigns/{campaign.open}/nominations", "member_a", 201),
        ("worker_a", "post", "/api/v1/honors/campaigns/{campaign.open}/nominations", "member_b", 422),
        ("worker_a", "post", "/api/v1/honors/campaigns/{campaign.open}/nominations", "member_bad", 422),
        ("leader", "post", "/api/v1/honors/campaigns/{campaign.open}/nominations", "member_a", 403),
        ("anonymous", "post", "/api/v1/honors/campaigns/{campaign.open}/nominations", "member_a", 401)],
}


def _body(world, name):
    cast = world.cast
    return {
        "member_a": {"category": world.members.pk, "chamber": cast.chamber_a.pk, "nominee": cast.person_a.pk,
                     "reasons": "带头参与理想信念教育。"},
        "member_b": {"category": world.members.pk, "chamber": cast.chamber_b.pk, "nominee": cast.person_b.pk,
                     "reasons": "越界推荐。"},
        "member_bad": {"category": world.members.pk, "chamber": cast.chamber_a.pk, "nominee": cast.youth_member.pk,
                       "reasons": "不是党员。"},
    }[name]


@pytest.mark.parametrize(("name", "case"), access_params(API_CASES))
def test_api_case(rows, name, case):
    world, out = rows
    who, method, url, body, expected = case
    assert_api(world.cast, who, method, fill_path(url, out), expected, _body(world, body) if body else None)


def test_api_lists_are_scoped_and_counts_add_up(rows):
    world, out = rows
    worker = api_headers(world.cast, "worker_a")
    titles = {i["title"] for i in Client().get("/api/v1/honors", {"page_size": 100}, **worker).json()["items"]}
    assert out["a"]["honor"].title in titles and out["fed"]["honor"].title in titles
    assert out["b"]["honor"].title not in titles
    counts = Client().get("/api/v1/honors/counts", **api_headers(world.cast, "leader")).json()
    assert counts["by_level"] == {"national": 1, "municipal": 0, "district": 2, "street": 2}
    nominations = Client().get(f"/api/v1/honors/campaigns/{world.campaign.pk}/nominations", **worker).json()["items"]
    assert [n["nominee_name"] for n in nominations] == [world.org_a.name]


URL_NAMES: set[str] = set(WEB_CASES) | set(API_CASES)
