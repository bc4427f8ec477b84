"""The shared bodies of the API's endpoints (api/common.py), tested without HTTP."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from shanghui.api.chambers import ChamberIn, ChamberPatch
from shanghui.api.common import Resource, display, filtered, follow
from shanghui.api.enterprises import EnterprisePatch
from shanghui.directory.models import Enterprise, Membership
from shanghui.orgs.models import Chamber, Region


def recorder():
    """A stand-in service: answers the keyword arguments it was called with."""
    return lambda **kwargs: kwargs


def test_follow_reads_a_path_and_stops_at_an_empty_relation():
    resolver = follow("enterprise.region.code").__func__
    assert resolver(SimpleNamespace(enterprise=SimpleNamespace(region=SimpleNamespace(code="110101001")))) == "110101001"
    assert resolver(SimpleNamespace(enterprise=None)) is None


def test_display_gives_the_label_of_a_choice():
    assert display("kind").__func__(Chamber(kind=Chamber.Kind.INDUSTRY)) == "行业商会"


def test_filtered_narrows_by_the_filters_given_only(cast):
    streets = filtered(Region.objects.all(), SimpleNamespace(level="street", code=None), level="level", code="code")
    assert streets.count() == 17
    assert filtered(Region.objects.all(), SimpleNamespace(level=None), level="level").count() == 19


def test_create_resolves_codes_and_ids_and_answers_201(cast):
    chambers = Resource(Chamber, "chamber", refs={"region": (Region, "行政区划")}, blank=("phone",))
    request = SimpleNamespace(auth_user=cast.worker_a)
    payload = ChamberIn(name="东华门餐饮行业商会", kind="industry", region="110101001")
    answer = chambers.create(request, payload, recorder(), address="东华门大街1号")
    assert answer.status_code == 201
    assert answer.value["by"] == cast.worker_a and answer.value["region"] == cast.chamber_a.region
    assert answer.value["address"] == "东华门大街1号"  # extra arguments go over the payload's


def test_create_reports_an_unknown_code_on_its_field(cast):
    chambers = Resource(Chamber, "chamber", refs={"region": (Region, "行政区划")})
    payload = ChamberIn(name="某商会", kind="industry", region="999999999")
    with pytest.raises(ValidationError) as error:
        chambers.create(SimpleNamespace(auth_user=cast.worker_a), payload, recorder())
    assert list(error.value.message_dict) == ["region"]


def test_update_passes_the_row_under_its_name_and_only_the_fields_sent(cast):
    cleaned = []
    chambers = Resource(Chamber, "chamber", refs={"region": (Region, "行政区划")},
                        clean=lambda user, data: cleaned.append(user) or data)
    request = SimpleNamespace(auth_user=cast.worker_a)
    answer = chambers.update(request, cast.chamber_a.pk, ChamberPatch(phone="010-12345678"), recorder())
    assert answer == {"by": cast.worker_a, "chamber": cast.chamber_a, "phone": "010-12345678"}
    assert cleaned == [cast.worker_a]


def test_a_blank_choice_sent_as_null_is_stored_as_empty_text(cast):
    enterprises = Resource(Enterprise, "enterprise", blank=("industry", "size"))
    request = SimpleNamespace(auth_user=cast.admin)
    answer = enterprises.update(request, cast.enterprise_a.pk, EnterprisePatch(industry=None), recorder())
    assert answer["industry"] == "" and "size" not in answer


def test_a_row_out_of_scope_is_not_found_before_anything_else(cast):
    chambers = Resource(Chamber, "chamber", refs={"region": (Region, "行政区划")})
    request = SimpleNamespace(auth_user=cast.worker_a)
    with pytest.raises(Http404):
        chambers.update(request, cast.chamber_b.pk, ChamberPatch(region="999999999"), recorder())
    with pytest.raises(Http404):
        chambers.delete(request, cast.chamber_b.pk, recorder())
    with pytest.raises(Http404):
        chambers.related(request, cast.chamber_b.pk, Membership, "chamber")


def test_delete_answers_204_and_related_reads_from_the_visible_rows(cast):
    chambers = Resource(Chamber, "chamber")
    request = SimpleNamespace(auth_user=cast.worker_a)
    calls = []
    answer = chambers.delete(request, cast.chamber_a.pk, lambda **kwargs: calls.append(kwargs))
    assert (answer.status_code, answer.value) == (204, None)
    assert calls == [{"by": cast.worker_a, "chamber": cast.chamber_a}]
    members = chambers.related(request, cast.chamber_a.pk, Membership, "chamber")
    assert members.exists()
    assert set(members) == set(Membership.objects.visible_to(cast.worker_a).filter(chamber=cast.chamber_a))
