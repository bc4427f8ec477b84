"""A small commendation world on top of the shared cast.

Street A (东华门) and B (景山) each get a joint party committee hosted by their street chamber;
the cast principals 王东华 (A) and 李景山 (B) are party members, the youth member 赵青创 (A) is not.
The district federation runs a campaign with 2 advanced party organisations and 1 excellent party
member to give; it is open for nominations.
"""

import datetime as dt
from dataclasses import dataclass

import pytest

from shanghui.directory.choices import PoliticalStatus
from shanghui.honors import services
from shanghui.honors.models import Campaign, CampaignCategory, CategoryKind
from shanghui.party import services as party_services
from shanghui.party.models import PartyOrganization


@dataclass
class World:
    cast: object
    org_a: PartyOrganization
    org_b: PartyOrganization
    org_a2: PartyOrganization
    campaign: Campaign
    orgs: CampaignCategory
    members: CampaignCategory


def _joint(cast, name, chamber) -> PartyOrganization:
    return party_services.organization_create(by=cast.admin, name=name, level="committee", form="joint",
                                              founded=dt.date(2017, 5, 1), host_chamber=chamber)


@pytest.fixture
def world(cast) -> World:
    for person in (cast.person_a, cast.person_b):
        person.political_status = PoliticalStatus.PARTY_MEMBER
        person.save()
    org_a = _joint(cast, "中共东华门街道商会联合委员会", cast.chamber_a)
    org_a2 = party_services.organization_create(by=cast.admin, name="中共东华门文化传媒有限公司支部委员会",
                                                level="branch", form="own", founded=dt.date(2016, 3, 1),
                                                enterprise=cast.enterprise_a)
    org_b = _joint(cast, "中共景山街道商会联合委员会", cast.chamber_b)
    campaign = services.campaign_create(
        by=cast.admin, year=2018, title="2018年度区工商联系统先进基层党组织和优秀共产党员评选表彰",
        region=cast.district,
        categories=[(CategoryKind.ADVANCED_PARTY_ORG, 2), (CategoryKind.EXCELLENT_PARTY_MEMBER, 1)])
    orgs = campaign.categories.get(kind=CategoryKind.ADVANCED_PARTY_ORG)
    members = campaign.categories.get(kind=CategoryKind.EXCELLENT_PARTY_MEMBER)
    return World(cast=cast, org_a=org_a, org_b=org_b, org_a2=org_a2, campaign=campaign, orgs=orgs, members=members)


def nominate(world, category, nominee, chamber=None, by=None):
    cast = world.cast
    return services.nomination_submit(by=by or cast.admin, category=category, chamber=chamber or cast.chamber_a,
                                      nominee=nominee, reasons="工作扎实，成效显著。")
