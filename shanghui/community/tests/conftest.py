import datetime as dt
from decimal import Decimal

import pytest

from shanghui.community import services


@pytest.fixture
def rows(cast):
    """Street A and B projects with contributions, a district assistance project, a charity project
    with aid records, and rows a test may delete (empty projects, spare contributions)."""
    admin = cast.admin
    d = dt.date
    out = {}
    for side, street, ent, chamber in (("a", cast.street_a, cast.enterprise_a, cast.chamber_a),
                                       ("b", cast.street_b, cast.enterprise_b, cast.chamber_b)):
        project = services.project_create(by=admin, kind="governance", title=f"{street.name}背街小巷治理",
                                          region=street, start=d(2017, 1, 1), organiser=chamber)
        money = services.contribution_create(by=admin, project=project, kind="money", amount=Decimal("10.5"),
                                             date=d(2017, 5, 1), enterprise=ent)
        services.contribution_create(by=admin, project=project, kind="volunteer", amount=Decimal("120"),
                                     date=d(2018, 5, 1), chamber=chamber)
        spare = services.contribution_create(by=admin, project=project, kind="jobs", amount=Decimal("3"),
                                             date=d(2018, 6, 1), enterprise=ent)
        empty = services.project_create(by=admin, kind="environment", title=f"{street.name}空项目", region=street,
                                        start=d(2018, 1, 1))
        charity = services.project_create(by=admin, kind="charity", title=f"{street.name}手拉手", region=street,
                                          start=d(2016, 1, 1))
        aid = services.aid_create(by=admin, project=charity, code=f"SZ-{side}-1", name="张小明", school="东城小学",
                                  grade="三年级", region=street, amount=Decimal("2000"), date=d(2018, 9, 1))
        out[side] = {"project": project, "contribution": money, "spare": spare, "empty": empty,
                     "charity": charity, "aid": aid}
    assistance = services.project_create(by=admin, kind="assistance", title="对口帮扶科右前旗", region=cast.district,
                                         partner_area="内蒙古自治区科尔沁右翼前旗", start=d(2018, 3, 1))
    services.contribution_create(by=admin, project=assistance, kind="money", amount=Decimal("50"),
                                 date=d(2018, 4, 1), chamber=cast.chamber_b)
    out["district"] = {"project": assistance}
    return cast, out
