import csv
import io

import pytest
from django.urls import reverse

from shanghui.audit.models import AuditEvent
from shanghui.orgs import services
from shanghui.orgs.models import Chamber

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


def test_chamber_list_finds_a_chamber_by_pinyin_initials(client, cast):
    response = _login(client, cast.admin).get(reverse("orgs:chamber_list"), {"q": "dhm"})
    assert response.status_code == 200
    names = [c.name for c in response.context["objects"]]
    assert names == ["东华门街道商会"]


def test_chamber_list_of_a_street_worker_holds_only_her_street(client, cast):
    response = _login(client, cast.worker_a).get(reverse("orgs:chamber_list"))
    assert [c.name for c in response.context["objects"]] == ["东华门街道商会"]


def test_chamber_list_filters_by_kind_and_ignores_a_bad_filter_value(client, cast):
    response = _login(client, cast.admin).get(reverse("orgs:chamber_list"), {"kind": "association", "region": "abc"})
    assert response.status_code == 200
    assert [c.name for c in response.context["objects"]] == ["东城区青年创业者协会"]


def test_worker_edits_the_chamber_of_her_street(client, cast):
    url = reverse("orgs:chamber_edit", args=[cast.chamber_a.pk])
    data = {"name": "东华门街道商会", "kind": "street", "region": cast.street_a.pk, "has_office": "on",
            "has_staff": "on", "is_active": "on", "phone": "010-65550000"}
    response = _login(client, cast.worker_a).post(url, data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("orgs:chamber_detail", args=[cast.chamber_a.pk])
    assert "已保存" in response.content.decode()
    cast.chamber_a.refresh_from_db()
    assert (cast.chamber_a.phone, cast.chamber_a.guarantees) == ("010-65550000", 2)
    assert AuditEvent.objects.filter(action="update", object_id=str(cast.chamber_a.pk), actor=cast.worker_a).exists()


@pytest.mark.parametrize("name", ["chamber_detail", "chamber_edit", "chamber_delete"])
def test_chamber_of_another_street_is_not_found(client, cast, name):
    response = _login(client, cast.worker_a).get(reverse(f"orgs:{name}", args=[cast.chamber_b.pk]))
    assert response.status_code == 404


def test_readers_may_not_open_the_create_page_or_edit(client, cast):
    _login(client, cast.leader)
    assert client.get(reverse("orgs:chamber_create")).status_code == 403
    assert client.get(reverse("orgs:chamber_edit", args=[cast.chamber_a.pk])).status_code == 403
    assert client.post(reverse("orgs:chamber_delete", args=[cast.chamber_a.pk])).status_code == 403
    assert Chamber.objects.filter(pk=cast.chamber_a.pk).exists()


def test_a_second_street_chamber_is_refused_with_a_chinese_message(client, cast):
    before = Chamber.objects.count()
    response = _login(client, cast.worker_a).post(reverse("orgs:chamber_create"), {
        "name": "东华门第二商会", "kind": "street", "region": cast.street_a.pk, "is_active": "on"})
    assert response.status_code == 200
    assert "已有街道商会" in response.content.decode()
    assert Chamber.objects.count() == before


def test_worker_cannot_pick_another_street_in_the_form(client, cast):
    response = _login(client, cast.worker_a).post(reverse("orgs:chamber_create"), {
        "name": "景山行业商会", "kind": "industry", "region": cast.street_b.pk})
    assert response.status_code == 200
    assert response.context["form"].has_error("region")
    assert not Chamber.objects.filter(name="景山行业商会").exists()


def test_delete_of_a_chamber_with_members_is_refused_and_explained(client, cast):
    url = reverse("orgs:chamber_delete", args=[cast.chamber_a.pk])
    response = _login(client, cast.worker_a).post(url, follow=True)
    assert "还有会员记录" in response.content.decode()
    assert Chamber.objects.filter(pk=cast.chamber_a.pk).exists()


def test_worker_deletes_an_empty_chamber_after_confirming(client, cast):
    chamber = services.chamber_create(by=cast.worker_a, name="东华门餐饮行业商会", kind="industry",
                                      region=cast.street_a)
    _login(client, cast.worker_a)
    url = reverse("orgs:chamber_delete", args=[chamber.pk])
    assert "确定要删除" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("orgs:chamber_list")
    assert not Chamber.objects.filter(pk=chamber.pk).exists()
    assert AuditEvent.objects.filter(action="delete", object_id=str(chamber.pk)).exists()


def test_export_escapes_a_cell_that_starts_with_a_formula(client, cast):
    services.chamber_create(by=cast.worker_a, name="=HYPERLINK(\"http://x\")商会", kind="industry",
                            region=cast.street_a)
    response = _login(client, cast.worker_a).get(reverse("orgs:chamber_export"), {"format": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    names = [r[0] for r in rows[1:]]
    assert "'=HYPERLINK(\"http://x\")商会" in names
    assert "景山街道商会" not in names  # the export keeps to the worker's street
    assert AuditEvent.objects.filter(action="export", actor=cast.worker_a).exists()
