"""The pages write through the services: campaign, nomination, honour with evidence, refusals shown as messages."""

import datetime as dt
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from shanghui.accounts.models import ApiToken
from shanghui.honors import services
from shanghui.honors.models import Campaign, CategoryKind, Honor, Nomination

from .conftest import nominate


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_federation_starts_a_campaign_with_its_quotas(cast):
    response = _client(cast.admin).post(reverse("honors:campaign_create"), {
        "year": 2024, "title": "2024年度评选表彰", f"quota_{CategoryKind.ADVANCED_PARTY_ORG}": 10,
        f"quota_{CategoryKind.EXCELLENT_PARTY_MEMBER}": 10, f"quota_{CategoryKind.ADVANCED_CHAMBER}": ""})
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("honors:campaign_detail",
                                                                          args=[campaign.pk])
    assert sorted(campaign.categories.values_list("kind", "quota")) == [
        (CategoryKind.ADVANCED_PARTY_ORG, 10), (CategoryKind.EXCELLENT_PARTY_MEMBER, 10)]
    assert campaign.region == cast.district


def test_a_campaign_without_any_quota_is_refused_with_a_message(cast):
    response = _client(cast.admin).post(reverse("honors:campaign_create"), {"year": 2024, "title": "空评选"})
    assert response.status_code == 200 and "请至少设置一个评选类别" in response.content.decode()
    assert not Campaign.objects.exists()


def test_a_street_worker_nominates_through_the_form(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cast = world.cast
    response = _client(cast.worker_a).post(reverse("honors:nomination_create", args=[world.campaign.pk]), {
        "category": world.members.pk, "chamber": cast.chamber_a.pk, "person": cast.person_a.pk,
        "reasons": "带头参加理想信念教育。",
        "attachment": SimpleUploadedFile("事迹.pdf", b"%PDF-1.4", content_type="application/pdf")})
    nomination = Nomination.objects.get()
    assert response.status_code == 302
    assert (nomination.person, nomination.chamber, nomination.attachment.name.endswith(".pdf")) == (
        cast.person_a, cast.chamber_a, True)


def test_the_nomination_form_shows_the_category_mismatch(world):
    cast = world.cast
    response = _client(cast.worker_a).post(reverse("honors:nomination_create", args=[world.campaign.pk]), {
        "category": world.orgs.pk, "chamber": cast.chamber_a.pk, "person": cast.person_a.pk, "reasons": "理由"})
    assert response.status_code == 200 and "只能推荐党组织" in response.content.decode()
    assert not Nomination.objects.exists()


def test_a_street_worker_records_an_honour_with_evidence(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = _client(cast.worker_a)
    response = client.post(reverse("honors:honor_create"), {
        "title": "东城区诚信经营示范企业", "level": "district", "issuer": "东城区商务局", "year": 2023,
        "recipient_kind": "enterprise", "enterprise": cast.enterprise_a.pk,
        "evidence": SimpleUploadedFile("证书.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")})
    honor = Honor.objects.get()
    assert response.status_code == 302 and honor.enterprise == cast.enterprise_a
    download = client.get(reverse("honors:honor_evidence", args=[honor.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"\x89PNG\r\n\x1a\n"


def test_a_bad_evidence_file_is_shown_on_the_form_and_nothing_is_written(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = _client(cast.worker_a).post(reverse("honors:honor_create"), {
        "title": "某荣誉", "level": "district", "issuer": "某单位", "year": 2023, "recipient_kind": "enterprise",
        "enterprise": cast.enterprise_a.pk, "evidence": SimpleUploadedFile("x.exe", b"MZ")})
    assert response.status_code == 200 and "只能上传 PDF、Word" in response.content.decode()
    assert not Honor.objects.exists()


def test_deciding_during_the_notice_shows_why_and_writes_nothing(world):
    cast = world.cast
    n = nominate(world, world.orgs, world.org_a)
    services.nomination_approve(by=cast.admin, nomination=n)
    today = dt.date.today()
    services.notice_start(by=cast.admin, campaign=world.campaign, start=today, end=today + dt.timedelta(days=6))
    response = _client(cast.admin).post(reverse("honors:campaign_decide", args=[world.campaign.pk]), follow=True)
    assert "公示期满后" in response.content.decode()
    assert not Honor.objects.exists()


def test_approval_counts_are_over_the_nominations_the_user_may_see(world):
    cast = world.cast
    for nominee, chamber in ((world.org_a, cast.chamber_a), (world.org_b, cast.chamber_b)):
        services.nomination_approve(by=cast.admin, nomination=nominate(world, world.orgs, nominee, chamber=chamber))
    page = reverse("honors:campaign_detail", args=[world.campaign.pk])
    api = f"/api/v1/honors/campaigns/{world.campaign.pk}"
    seen = {}
    for user in (cast.worker_a, cast.worker_b, cast.admin, cast.leader):
        expected = {c.pk: Nomination.objects.visible_to(user).filter(category=c, state="approved").count()
                    for c in (world.orgs, world.members)}
        html = _client(user).get(page).content.decode()
        shown = [int(n) for n in re.findall(r'class="approved-count">(\d+)<', html)]
        assert shown == [expected[world.orgs.pk], expected[world.members.pk]], user.username
        # A street's figure says it is the street's; the district's is the campaign's.
        assert ("您范围内已通过" in html) == (user.role == "street_worker"), user.username
        _, key = ApiToken.issue(user=user)
        body = Client(headers={"Authorization": f"Bearer {key}"}).get(api).json()
        assert {c["id"]: c["approved"] for c in body["categories"]} == expected, user.username
        seen[user.username] = expected[world.orgs.pk]
    assert seen == {"worker_a": 1, "worker_b": 1, "admin": 2, "leader": 2}
