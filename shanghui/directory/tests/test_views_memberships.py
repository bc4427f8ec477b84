import datetime as dt
import random

import pytest
from django.urls import reverse

from shanghui.directory import services
from shanghui.directory.models import Membership
from shanghui.testing import make_uscc

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(cast):
    return services.enterprise_create(by=cast.worker_a, uscc=make_uscc(random.Random(21)), name="东华门新会员有限公司",
                                      region=cast.street_a)


def test_membership_list_search_by_member_pinyin_and_active_filter(client, cast):
    client.force_login(cast.admin)
    url = reverse("directory:membership_list")
    assert list(client.get(url, {"q": "jsc"}).context["objects"]) == [cast.membership_b]
    cast.membership_b.left = dt.date(2020, 1, 1)
    cast.membership_b.save()
    assert cast.membership_b not in client.get(url, {"active": "1"}).context["objects"]
    assert list(client.get(url, {"active": "0"}).context["objects"]) == [cast.membership_b]


def test_left_before_joined_is_refused_and_nothing_is_written(client, cast, newcomer):
    client.force_login(cast.worker_a)
    response = client.post(reverse("directory:membership_create"), {
        "chamber": cast.chamber_a.pk, "enterprise": newcomer.pk, "role": "member",
        "joined": "2024-05-01", "left": "2023-01-01"})
    assert response.status_code == 200
    assert "退会日期不能早于入会日期" in response.content.decode()
    assert not Membership.objects.filter(enterprise=newcomer).exists()


def test_a_membership_needs_exactly_one_member(client, cast):
    client.force_login(cast.worker_a)
    response = client.post(reverse("directory:membership_create"), {
        "chamber": cast.chamber_a.pk, "role": "member", "joined": "2024-05-01"})
    assert "二者选其一" in response.content.decode()


def test_an_overlapping_membership_is_refused_with_a_message(client, cast):
    client.force_login(cast.worker_a)
    response = client.post(reverse("directory:membership_create"), {
        "chamber": cast.chamber_a.pk, "enterprise": cast.enterprise_a.pk, "role": "member", "joined": "2024-01-01"})
    assert "会员期不能重叠" in response.content.decode()
    assert Membership.objects.filter(enterprise=cast.enterprise_a).count() == 1


def test_worker_adds_edits_and_deletes_a_membership_on_her_street(client, cast, newcomer):
    client.force_login(cast.worker_a)
    form = client.get(reverse("directory:membership_create"), {"chamber": cast.chamber_a.pk}).context["form"]
    assert list(form.fields["chamber"].queryset) == [cast.chamber_a]
    response = client.post(reverse("directory:membership_create"), {
        "chamber": cast.chamber_a.pk, "enterprise": newcomer.pk, "role": "director", "joined": "2024-05-01"})
    membership = Membership.objects.get(enterprise=newcomer)
    assert response["Location"] == reverse("directory:membership_detail", args=[membership.pk])
    response = client.post(reverse("directory:membership_edit", args=[membership.pk]), {
        "chamber": cast.chamber_a.pk, "enterprise": newcomer.pk, "role": "director", "joined": "2024-05-01",
        "left": "2025-01-31"})
    membership.refresh_from_db()
    assert membership.left == dt.date(2025, 1, 31)
    client.post(reverse("directory:membership_delete", args=[membership.pk]))
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_membership_of_another_street_is_not_found(client, cast):
    client.force_login(cast.worker_a)
    for name in ("membership_detail", "membership_edit", "membership_delete"):
        assert client.get(reverse(f"directory:{name}", args=[cast.membership_b.pk])).status_code == 404


def test_worker_sees_but_may_not_change_a_district_association_membership(client, cast):
    # Visible through the member's street; writing needs the association's (district) region.
    client.force_login(cast.worker_a)
    assert client.get(reverse("directory:membership_detail", args=[cast.youth_membership.pk])).status_code == 200
    assert client.get(reverse("directory:membership_edit", args=[cast.youth_membership.pk])).status_code == 403
    assert client.post(reverse("directory:membership_delete", args=[cast.youth_membership.pk])).status_code == 403
    assert Membership.objects.filter(pk=cast.youth_membership.pk).exists()


def test_membership_export_csv_holds_the_visible_rows(client, cast):
    client.force_login(cast.worker_a)
    response = client.get(reverse("directory:membership_export"), {"format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "东华门文化传媒有限公司" in text and "赵青创" in text and "景山" not in text


def test_a_malformed_member_id_is_a_form_error_not_a_crash(client, cast):
    client.force_login(cast.worker_a)
    response = client.post(reverse("directory:membership_create"), {
        "chamber": "x", "enterprise": "abc", "person": "9999999", "role": "member", "joined": "2024-13-45"})
    assert response.status_code == 200
    form = response.context["form"]
    assert {"chamber", "enterprise", "person", "joined"} <= set(form.errors)
