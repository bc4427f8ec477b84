"""Who may open the organisation tree's pages (组织机构). `URL_NAMES` lists the names tested here; the
site-wide enumeration (core/tests/test_url_access.py) counts them as covered. The chamber register's
own pages are in the access matrix (accounts/tests/test_access_matrix.py).

The federation admin (district) and the superuser write; street users read what they see; the
auditor has no rows here (403); an enterprise user gets 403 (staff pages)."""

import datetime as dt

import pytest

from shanghui.orgs import services
from shanghui.testing import access_params, assert_access, by_role, fill_url

pytestmark = pytest.mark.django_db

FUTURE = dt.date.today() + dt.timedelta(days=60)


@pytest.fixture
def rows(cast):
    admin = cast.admin
    out = {"spare_department": services.department_create(by=admin, code="civil", name="民政"),
           "market": cast.market, "street_a": cast.street_a,
           "spare_street": services.region_create(by=admin, parent=cast.district, code="110101088", name="备用街道")}
    for side, chamber in (("a", cast.chamber_a), ("b", cast.chamber_b)):
        out[side] = {
            "stationing": services.stationing_create(by=admin, chamber=chamber, department=cast.market,
                                                     since=dt.date(2017, 1, 1)),
            "planned": services.stationing_create(by=admin, chamber=chamber,
                                                  department=out["spare_department"], since=FUTURE),
            "staff": services.staff_create(by=admin, chamber=chamber, kind="worker", name=f"专职{side}",
                                           start=dt.date(2017, 1, 1)),
            "future_staff": services.staff_create(by=admin, chamber=chamber, kind="instructor", name=f"指导{side}",
                                                  start=FUTURE),
        }
    return cast, out


READERS = {"anonymous": 302, "admin": 200, "worker_a": 200, "leader": 200, "instructor_a": 200,
           "handler_a": 200, "superuser": 200, "enterprise_user_a": 403, "auditor": 403}
WRITERS = {"anonymous": 302, "admin": 200, "superuser": 200, "worker_a": 403, "leader": 403,
           "enterprise_user_a": 403}

CASES = {
    "orgs:index": by_role(**READERS),
    "orgs:region_merge": [*by_role(**WRITERS), *by_role(method="post", admin=200, worker_a=403)],
    "orgs:region_split": by_role(**WRITERS),
}
for noun in ("department", "stationing", "staff", "region"):
    CASES[f"orgs:{noun}_list"] = by_role(**READERS)
    CASES[f"orgs:{noun}_export"] = by_role(anonymous=302, admin=200, worker_a=200, enterprise_user_a=403)
    CASES[f"orgs:{noun}_create"] = by_role(**WRITERS)
CASES.update({
    "orgs:department_edit": by_role("market", **WRITERS),
    "orgs:department_delete": [*by_role("market", **WRITERS),
                               *by_role("spare_department", method="post", worker_a=403, admin=302)],
    "orgs:region_edit": by_role("street_a", **WRITERS),
    "orgs:region_delete": [*by_role("street_a", **WRITERS),
                           *by_role("spare_street", method="post", worker_a=403, admin=302)],
})
for noun, spare in (("stationing", "planned"), ("staff", "future_staff")):
    CASES[f"orgs:{noun}_edit"] = [*by_role(("a", noun), **WRITERS), *by_role(("b", noun), worker_a=404)]
    CASES[f"orgs:{noun}_delete"] = [
        *by_role(("a", noun), **WRITERS),
        *by_role(("b", noun), worker_a=404),
        # A row with history is refused (back to the page with the reason), one without it deleted.
        *by_role(("a", noun), method="post", admin=302, worker_a=403),
        *by_role(("a", spare), method="post", admin=302),
    ]

URL_NAMES = set(CASES)


@pytest.mark.parametrize(("name", "case"), access_params(CASES))
def test_url_case(rows, name, case):
    cast, out = rows
    who, method, target, expected = case
    assert_access(cast, who, method, fill_url(name, target, out), expected)
