"""Honours: one recipient each, scope by recipient, evidence limits, counts by level and year, recipients' pages."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from shanghui.honors import kpis, services
from shanghui.honors.models import Honor, Level, RecipientKind

from .conftest import nominate


def _honor(cast, by=None, **fields):
    data = {"title": "诚信经营示范单位", "level": "district", "issuer": "东城区商务局", "year": 2019,
            "recipient_kind": "enterprise", "enterprise": cast.enterprise_a, **fields}
    return services.honor_create(by=by or cast.admin, **data)


def test_an_honour_has_exactly_one_recipient_in_the_database(cast):
    honor = _honor(cast)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Honor.objects.filter(pk=honor.pk).update(chamber=cast.chamber_a)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Honor.objects.filter(pk=honor.pk).update(recipient_kind=RecipientKind.PERSON)


def test_the_service_keeps_only_the_recipient_the_kind_names(cast):
    honor = _honor(cast, person=cast.person_a)  # a stray second recipient from a form is dropped
    assert (honor.enterprise, honor.person) == (cast.enterprise_a, None)
    with pytest.raises(ValidationError, match="请选择获得者"):
        _honor(cast, recipient_kind="chamber")


def test_a_street_worker_records_honours_only_in_her_street(cast):
    assert _honor(cast, by=cast.worker_a).enterprise == cast.enterprise_a
    with pytest.raises(PermissionDenied):
        _honor(cast, by=cast.worker_a, enterprise=cast.enterprise_b)
    with pytest.raises(PermissionDenied):  # the federation's own honours are the district's to record
        _honor(cast, by=cast.worker_a, recipient_kind="federation", federation=cast.district)
    with pytest.raises(PermissionDenied):
        _honor(cast, by=cast.leader)
    assert Honor.objects.count() == 1


def test_federation_honours_are_district_wide_and_others_follow_the_recipient(cast):
    fed = _honor(cast, title="全国工商联系统先进单位", level="national", issuer="全国工商联", year=2018,
                 recipient_kind="federation", federation=cast.district)
    a = _honor(cast)
    b = _honor(cast, enterprise=cast.enterprise_b)
    youth = _honor(cast, recipient_kind="person", person=cast.youth_member)

    def seen(user):
        return set(Honor.objects.visible_to(user))

    assert seen(cast.worker_a) == {fed, a, youth}
    assert seen(cast.worker_b) == {fed, b}
    assert seen(cast.leader) == {fed, a, b, youth}
    assert seen(cast.enterprise_user_a) == {a}
    assert seen(cast.auditor) == set()


def test_evidence_is_limited_in_type_and_size(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    exe = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(ValidationError) as e:
        _honor(cast, evidence=exe)
    assert "只能上传 PDF、Word" in str(e.value)
    big = SimpleUploadedFile("big.pdf", b"0" * (10 * 1024 * 1024 + 1), content_type="application/pdf")
    with pytest.raises(ValidationError, match="不能超过 10 MB"):
        _honor(cast, evidence=big)
    assert not Honor.objects.exists()
    ok = _honor(cast, evidence=SimpleUploadedFile("证书.pdf", b"%PDF-1.4", content_type="application/pdf"))
    assert ok.evidence.name.endswith(".pdf")


def test_an_honour_from_a_decision_keeps_its_recipient_and_cannot_be_deleted(world):
    cast = world.cast
    n = nominate(world, world.orgs, world.org_a)
    services.nomination_approve(by=cast.admin, nomination=n)
    services.notice_start(by=cast.admin, campaign=world.campaign, start=dt.date(2018, 11, 1),
                          end=dt.date(2018, 11, 7))
    [honor] = services.campaign_decide(by=cast.admin, campaign=world.campaign)
    with pytest.raises(ValidationError, match="不能修改获得者"):
        services.honor_update(by=cast.admin, honor=honor, year=2017)
    services.honor_update(by=cast.admin, honor=honor, note="区委统战部颁发证书")
    with pytest.raises(ValidationError, match="不能删除"):
        services.honor_delete(by=cast.admin, honor=honor)
    assert Honor.objects.get().note == "区委统战部颁发证书"


# --- counts -------------------------------------------------------------------------------


@pytest.fixture
def counted(world):
    """2018: 1 national (federation), 1 municipal (chamber A), 2 from the campaign (A's organisation and
    B's member); 2019: 1 district (enterprise B), 1 street (enterprise A)."""
    cast = world.cast
    _honor(cast, title="全国“五好”县级工商联建设示范点", level="national", issuer="全国工商联", year=2018,
           recipient_kind="federation", federation=cast.district)
    _honor(cast, title="北京市先进商会", level="municipal", issuer="北京市工商联", year=2018,
           recipient_kind="chamber", chamber=cast.chamber_a)
    _honor(cast, level="district", year=2019, enterprise=cast.enterprise_b)
    _honor(cast, level="street", year=2019, enterprise=cast.enterprise_a)
    org = nominate(world, world.orgs, world.org_a)
    member = nominate(world, world.members, cast.person_b, chamber=cast.chamber_b)
    for n in (org, member):
        services.nomination_approve(by=cast.admin, nomination=n)
    services.notice_start(by=cast.admin, campaign=world.campaign, start=dt.date(2018, 11, 1), end=dt.date(2018, 11, 7))
    services.campaign_decide(by=cast.admin, campaign=world.campaign)
    return world


def test_honours_by_level_counts_every_level_for_a_year_or_all_years(counted):
    cast = counted.cast
    assert kpis.honours_by_level(cast.district) == {Level.NATIONAL: 1, Level.MUNICIPAL: 1, Level.DISTRICT: 3,
                                                    Level.STREET: 1}
    assert kpis.honours_by_level(cast.district, 2019) == {Level.NATIONAL: 0, Level.MUNICIPAL: 0, Level.DISTRICT: 1,
                                                          Level.STREET: 1}
    # A street region counts its own recipients; the federation's honour belongs to the district.
    assert kpis.honours_by_level(cast.street_a) == {Level.NATIONAL: 0, Level.MUNICIPAL: 1, Level.DISTRICT: 1,
                                                    Level.STREET: 1}
    # A street user counts what she sees: her street's and the federation's.
    assert kpis.honours_by_level(cast.worker_a)[Level.NATIONAL] == 1
    assert sum(kpis.honours_by_level(cast.worker_a).values()) == 4


def test_honours_by_year_lists_year_and_level_cells_in_order(counted):
    assert kpis.honours_by_year(counted.cast.district) == [
        (2018, Level.NATIONAL, 1), (2018, Level.MUNICIPAL, 1), (2018, Level.DISTRICT, 2),
        (2019, Level.DISTRICT, 1), (2019, Level.STREET, 1)]


def test_commendations_are_the_honours_of_a_years_campaigns_by_category(counted):
    cast = counted.cast
    assert kpis.commendations(cast.district, 2018) == {"先进基层党组织": 1, "优秀共产党员": 1}
    assert kpis.commendations(cast.street_b, 2018) == {"优秀共产党员": 1}
    assert kpis.commendations(cast.district, 2019) == {}


def test_the_index_page_shows_the_counts(counted):
    client = Client()
    client.force_login(counted.cast.leader)
    page = client.get(reverse("honors:index")).content.decode()
    assert "国家级荣誉" in page and counted.campaign.title in page and "先进基层党组织 1" in page


# --- recipients' pages --------------------------------------------------------------------


def test_recipient_pages_show_their_honours(counted):
    cast = counted.cast
    client = Client()
    client.force_login(cast.admin)
    pages = {
        reverse("directory:enterprise_detail", args=[cast.enterprise_a.pk]): "诚信经营示范单位",
        reverse("directory:person_detail", args=[cast.person_b.pk]): "2018年度优秀共产党员",
        reverse("orgs:chamber_detail", args=[cast.chamber_a.pk]): "北京市先进商会",
        reverse("party:organization_detail", args=[counted.org_a.pk]): "2018年度先进基层党组织",
    }
    for url, title in pages.items():
        page = client.get(url).content.decode()
        assert "所获荣誉" in page and title in page, url
    # Another recipient's honours do not leak onto a page.
    page = client.get(reverse("directory:enterprise_detail", args=[cast.enterprise_b.pk])).content.decode()
    assert "所获荣誉（1）" in page
