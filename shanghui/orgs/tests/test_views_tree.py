"""The 组织机构 pages: the federation admin maintains the tree through them; street users read theirs."""

import datetime as dt

import pytest
from django.urls import reverse

from shanghui.orgs import services
from shanghui.orgs.models import Region, RegionChange, StaffAssignment

pytestmark = pytest.mark.django_db


def test_the_menu_offers_the_tree_to_the_federation_admin_only(client, cast):
    client.force_login(cast.admin)
    assert f'href="{reverse("orgs:index")}"' in client.get(reverse("orgs:chamber_list")).content.decode()
    client.force_login(cast.worker_a)
    assert f'href="{reverse("orgs:index")}"' not in client.get(reverse("orgs:chamber_list")).content.decode()


def test_the_admin_adds_an_instructor_and_ends_the_assignment_on_the_page(client, cast):
    client.force_login(cast.admin)
    response = client.post(reverse("orgs:staff_create"), {
        "chamber": cast.chamber_a.pk, "kind": "instructor", "name": "王指导", "user": cast.instructor_a.pk,
        "start": "2016-03-01"})
    assert response.status_code == 302
    row = StaffAssignment.objects.get(name="王指导")
    response = client.post(reverse("orgs:staff_edit", args=[row.pk]), {
        "chamber": cast.chamber_a.pk, "kind": "instructor", "name": "王指导", "user": cast.instructor_a.pk,
        "start": "2016-03-01", "end": "2019-06-30"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.end == dt.date(2019, 6, 30)
    response = client.post(reverse("orgs:staff_delete", args=[row.pk]), follow=True)
    assert "不能删除" in response.content.decode()
    assert StaffAssignment.objects.filter(pk=row.pk).exists()


def test_a_street_worker_lists_only_the_staff_of_his_street(client, cast):
    services.staff_create(by=cast.admin, chamber=cast.chamber_a, kind="worker", name="甲", start=dt.date(2020, 1, 1))
    services.staff_create(by=cast.admin, chamber=cast.chamber_b, kind="worker", name="乙", start=dt.date(2020, 1, 1))
    client.force_login(cast.worker_a)
    names = [a.name for a in client.get(reverse("orgs:staff_list")).context["objects"]]
    assert names == ["甲"]


def test_bad_input_on_the_merge_page_is_explained_and_changes_nothing(client, cast):
    client.force_login(cast.admin)
    response = client.post(reverse("orgs:region_merge"), {
        "streets": [cast.street_a.pk, cast.street_b.pk], "year": 2020, "code": "12", "name": "合并街道"})
    assert response.status_code == 200
    assert "9位数字" in response.content.decode()
    assert not RegionChange.objects.exists()
    response = client.post(reverse("orgs:region_merge"), {
        "streets": [cast.street_a.pk, cast.street_b.pk], "year": 2020, "code": "110101099", "name": "合并街道"},
        follow=True)
    assert "已登记区划调整" in response.content.decode()
    assert Region.objects.get(code="110101099").valid_from == 2020
    listed = client.get(reverse("orgs:region_list"))
    assert "2020年 合并" in listed.content.decode()


def test_the_admin_adds_and_renames_a_street(client, cast):
    client.force_login(cast.admin)
    response = client.post(reverse("orgs:region_create"), {"parent": cast.district.pk, "code": "110101088",
                                                            "name": "新设街道"})
    assert response.status_code == 302
    street = Region.objects.get(code="110101088")
    response = client.post(reverse("orgs:region_edit", args=[street.pk]), {"name": "改名街道", "code": "999"})
    assert response.status_code == 302
    street.refresh_from_db()
    assert (street.name, street.code) == ("改名街道", "110101088")


def test_a_new_chamber_cannot_go_to_a_street_merged_away_but_an_old_one_stays_editable(client, cast):
    services.region_merge(by=cast.admin, streets=[cast.street_a, cast.street_b], year=2020, code="110101099",
                          name="东华门景山街道")
    client.force_login(cast.admin)
    choices = client.get(reverse("orgs:chamber_create")).context["form"].fields["region"].queryset
    assert cast.street_a not in choices and Region.objects.get(code="110101099") in choices
    edit = client.get(reverse("orgs:chamber_edit", args=[cast.chamber_a.pk])).context["form"]
    assert cast.street_a in edit.fields["region"].queryset
