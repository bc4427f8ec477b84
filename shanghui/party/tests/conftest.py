"""A small hand-built party world on top of the shared cast, whose KPI answers are worked out in the tests.

Street A (东华门):
  JA  joint committee hosted by 东华门街道商会, founded 2019-01-01
  enterprise_a   active            covered by JA from 2021-01-01
  moved_ent      active            covered by JA from 2020-01-01; own organisation OA founded 2024-05-01
                                   (coverage moves: JA until 2024-04-30, OA from 2024-05-01)
  closed_ent     closed 2024-06-30 covered by JA from 2020-01-01 (the row was never ended)
  instructed     active            instructor assignment 2023-01-01 … 2024-03-31 (ended)
  bare           active            nothing
  unborn         founded 2025-02-01, nothing
Street B (景山):
  JB  joint committee hosted by 景山街道商会, founded 2024-07-01
  enterprise_b   active            covered by JB from 2024-07-01
  b_instructed   active            instructor assignment from 2024-01-01 (open)
  b_moved        moved away, no date: never active
"""

import datetime as dt
import random
from dataclasses import dataclass

import pytest

from shanghui.directory.models import Enterprise
from shanghui.orgs.models import StaffAssignment
from shanghui.party import services
from shanghui.party.models import PartyOrganization
from shanghui.testing import make_uscc

D = dt.date


@dataclass
class World:
    cast: object
    ja: PartyOrganization
    jb: PartyOrganization
    oa: PartyOrganization
    moved_ent: Enterprise
    closed_ent: Enterprise
    instructed: Enterprise
    bare: Enterprise
    unborn: Enterprise
    b_instructed: Enterprise
    b_moved: Enterprise
    instructor_a: StaffAssignment
    instructor_b: StaffAssignment


def enterprise(rng, name, region, **fields) -> Enterprise:
    return Enterprise.objects.create(uscc=make_uscc(rng), name=name, region=region, **fields)


@pytest.fixture
def world(cast) -> World:
    rng = random.Random(23)
    admin = cast.admin
    a, b = cast.street_a, cast.street_b
    moved_ent = enterprise(rng, "东华门科技发展有限公司", a, founded=D(2015, 3, 1))
    closed_ent = enterprise(rng, "东华门旧货贸易有限公司", a, founded=D(2010, 1, 1), status="closed",
                            status_changed=D(2024, 6, 30))
    instructed = enterprise(rng, "东华门咨询服务有限公司", a, founded=D(2016, 1, 1))
    bare = enterprise(rng, "东华门便民超市有限公司", a, founded=D(2018, 1, 1))
    unborn = enterprise(rng, "东华门新锐设计有限公司", a, founded=D(2025, 2, 1))
    b_instructed = enterprise(rng, "景山书店有限公司", b, founded=D(2012, 1, 1))
    b_moved = enterprise(rng, "景山迁出物流有限公司", b, founded=D(2012, 1, 1), status="moved")

    ja = services.organization_create(by=admin, name="东华门街道商会联合党委", level="committee", form="joint",
                                      host_chamber=cast.chamber_a, founded=D(2019, 1, 1), term_years=5)
    jb = services.organization_create(by=admin, name="景山街道商会联合党委", level="committee", form="joint",
                                      host_chamber=cast.chamber_b, founded=D(2024, 7, 1), term_years=5)
    services.coverage_add(by=admin, organization=ja, enterprise=cast.enterprise_a, start=D(2021, 1, 1))
    services.coverage_add(by=admin, organization=ja, enterprise=moved_ent, start=D(2020, 1, 1))
    services.coverage_add(by=admin, organization=ja, enterprise=closed_ent, start=D(2020, 1, 1))
    services.coverage_add(by=admin, organization=jb, enterprise=cast.enterprise_b, start=D(2024, 7, 1))
    oa = services.organization_create(by=admin, name="东华门科技发展有限公司党支部", level="branch", form="own",
                                      enterprise=moved_ent, parent=ja, founded=D(2024, 5, 1))

    instructor_a = StaffAssignment.objects.create(chamber=cast.chamber_a, kind="instructor", name="周指导",
                                                  user=cast.instructor_a, start=D(2018, 3, 1))
    instructor_b = StaffAssignment.objects.create(chamber=cast.chamber_b, kind="instructor", name="吴指导",
                                                  start=D(2018, 3, 1))
    services.assignment_create(by=admin, instructor=instructor_a, enterprise=instructed, start=D(2023, 1, 1),
                               end=D(2024, 3, 31))
    services.assignment_create(by=admin, instructor=instructor_b, enterprise=b_instructed, start=D(2024, 1, 1))
    return World(cast=cast, ja=ja, jb=jb, oa=oa, moved_ent=moved_ent, closed_ent=closed_ent, instructed=instructed,
                 bare=bare, unborn=unborn, b_instructed=b_instructed, b_moved=b_moved,
                 instructor_a=instructor_a, instructor_b=instructor_b)
