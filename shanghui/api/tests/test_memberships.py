import random

import pytest

from shanghui.directory import services
from shanghui.directory.models import Membership
from shanghui.testing import make_uscc

URL = "/api/v1/memberships/"


@pytest.fixture
def newcomer(cast):
    """An enterprise in street A that is not yet a member of anything."""
    return services.enterprise_create(by=cast.admin, uscc=make_uscc(random.Random(3)), name="东华门新来公司",
                                      region=cast.street_a)


def test_scoped_lists_and_filters(cast, as_user):
    ids = lambda client, params=None: {m["id"] for m in client.get(URL, params or {}).json()["items"]}  # noqa: E731
    assert ids(as_user(cast.worker_a)) == {cast.membership_a.pk, cast.youth_membership.pk}
    assert ids(as_user(cast.enterprise_user_a)) == {cast.membership_a.pk}
    admin = as_user(cast.admin)
    assert ids(admin, {"chamber": cast.chamber_b.pk}) == {cast.membership_b.pk}
    assert ids(admin, {"enterprise": cast.enterprise_a.pk}) == {cast.membership_a.pk}
    assert ids(admin, {"person": cast.youth_member.pk}) == {cast.youth_membership.pk}
    assert ids(admin, {"active_on": "2017-12-31"}) == set()
    assert len(ids(admin, {"active_on": "2018-01-01"})) == 3
    item = admin.get(f"{URL}{cast.youth_membership.pk}").json()
    assert item["member_name"] == "赵青创" and item["chamber_name"] == "东城区青年创业者协会"
    assert item["role_label"] == "会员" and item["is_active"] is True


def test_detail_outside_scope_is_404(cast, as_user):
    assert as_user(cast.worker_a).get(f"{URL}{cast.membership_b.pk}").status_code == 404
    assert as_user(cast.enterprise_user_a).get(f"{URL}{cast.youth_membership.pk}").status_code == 404


def test_street_worker_manages_memberships_of_her_chamber(cast, as_user, newcomer):
    client = as_user(cast.worker_a)
    response = client.post(URL, {"chamber": cast.chamber_a.pk, "enterprise": newcomer.pk, "joined": "2024-03-01",
                                 "role": "director"})
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["member_name"] == "东华门新来公司" and created["role_label"] == "理事"
    response = client.patch(f"{URL}{created['id']}", {"left": "2025-01-01"})
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert client.delete(f"{URL}{created['id']}").status_code == 204
    assert not Membership.objects.filter(pk=created["id"]).exists()


def test_writing_needs_the_chambers_region(cast, as_user):
    # The youth association's membership is visible to worker A (its member lives in her street),
    # but the association is district-level: only the federation may change it.
    response = as_user(cast.worker_a).patch(f"{URL}{cast.youth_membership.pk}", {"role": "director"})
    assert response.status_code == 403
    assert as_user(cast.leader).delete(f"{URL}{cast.membership_a.pk}").status_code == 403
    assert as_user(cast.enterprise_user_a).delete(f"{URL}{cast.membership_a.pk}").status_code == 403
    assert Membership.objects.get(pk=cast.youth_membership.pk).role == "member"
    assert Membership.objects.count() == 3


def test_bad_membership_input_is_422_and_writes_nothing(cast, as_user, newcomer):
    client = as_user(cast.worker_a)
    base = {"chamber": cast.chamber_a.pk, "joined": "2024-01-01"}
    cases = [
        ({**base, "enterprise": cast.enterprise_a.pk, "joined": "2020-01-01"}, "__all__", "不能重叠"),
        ({**base, "person": cast.person_a.pk}, "person", "企业会员制"),
        (base, "__all__", "二者选其一"),
        ({**base, "chamber": cast.chamber_b.pk, "enterprise": newcomer.pk}, "chamber", "不在您的管辖范围"),
        ({**base, "enterprise": 999999}, "enterprise", "不存在"),
        ({**base, "enterprise": newcomer.pk, "left": "2023-01-01"}, "left", "不能早于"),
        ({**base, "enterprise": newcomer.pk, "joined": "昨天"}, "joined", "日期格式不正确"),
        ({**base, "enterprise": newcomer.pk, "role": "king"}, "role", "取值无效"),
        ({"enterprise": newcomer.pk, "joined": "2024-01-01"}, "chamber", "必填"),
    ]
    for payload, field, words in cases:
        response = client.post(URL, payload)
        assert response.status_code == 422, (payload, response.content)
        body = response.json()
        assert words in " ".join(body["errors"].get(field, [])), body
        assert body["detail"]
    assert Membership.objects.count() == 3
