"""The small cast of users and records that tests share (docs/design.md §7).

Two streets, A (东华门) and B (景山), each with a street chamber, an enterprise,
its principal and a membership; the district youth association with a person
member; and one user per role. `make_cast()` builds it; the `cast` fixture in
conftest.py hands it to tests. `client_for` and `api_headers` sign a test in as one of them.

The access tests share one harness: a table {url name: [case, ...]} becomes one test per case
(`access_params`, with `by_role` to write a row of roles briefly), `fill_url`/`fill_path` put the
ids of a test's rows into a URL, and `assert_access`/`assert_api` check the status a user gets.
"""

import datetime as dt
import json
import random
import re
from dataclasses import dataclass

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import Client, RequestFactory
from django.urls import reverse

from shanghui.accounts.models import ApiToken, User
from shanghui.core.roles import Role
from shanghui.core.validators import USCC_CHARSET, id_check_char, uscc_check_char
from shanghui.directory.models import Enterprise, Membership, Person
from shanghui.orgs.models import Chamber, Department, Region
from shanghui.orgs.seed import load_departments, load_dongcheng

PASSWORD = "Test@12345"


def make_uscc(rng: random.Random, region_code: str = "110101") -> str:
    body = "91" + region_code + "".join(rng.choice(USCC_CHARSET) for _ in range(9))
    return body + uscc_check_char(body)


def make_id_number(rng: random.Random, birth: dt.date | None = None, region_code: str = "110101") -> str:
    birth = birth or dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 40))
    body = f"{region_code}{birth:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return body + id_check_char(body)


def make_mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(0, 10**9):09d}"


@dataclass
class Cast:
    district: Region
    street_a: Region
    street_b: Region
    chamber_a: Chamber
    chamber_b: Chamber
    youth: Chamber
    market: Department
    enterprise_a: Enterprise
    enterprise_b: Enterprise
    person_a: Person
    person_b: Person
    youth_member: Person
    membership_a: Membership
    membership_b: Membership
    youth_membership: Membership
    admin: User  # federation_admin, district
    worker_a: User
    worker_b: User
    instructor_a: User
    handler_a: User
    enterprise_user_a: User
    leader: User
    auditor: User
    superuser: User

    def users(self) -> dict[str, User]:
        return {name: getattr(self, name) for name in (
            "admin", "worker_a", "worker_b", "instructor_a", "handler_a", "enterprise_user_a",
            "leader", "auditor", "superuser")}

    def user(self, who: str) -> User:
        return getattr(self, who)


def client_for(cast, who: str) -> Client:
    """A test client signed in as `cast.user(who)` (any cast with a `user(who)`); "anonymous" signs in no one."""
    client = Client()
    if who != "anonymous":
        client.force_login(cast.user(who))
    return client


def api_headers(cast, who: str) -> dict:
    """A fresh API token of `cast.user(who)` as the Authorization header; none for "anonymous"."""
    if who == "anonymous":
        return {}
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user=cast.user(who))[1]}"}


def access_params(table: dict) -> list:
    """The cases of a {url name: [case, ...]} table as pytest params ("name", "case"), one test per case."""
    return [pytest.param(name, case, id="-".join(map(str, (name, *case))))
            for name, cases in table.items() for case in cases]


def by_role(target=None, method: str = "get", **statuses: int) -> list[tuple]:
    """(who, method, target, status) cases: one user per keyword, all asking the same URL."""
    return [(who, method, target, status) for who, status in statuses.items()]


def _row(rows, ref):
    # (group, noun) names rows[group][noun]; a plain name names rows[name].
    return rows[ref[0]][ref[1]] if isinstance(ref, tuple) else rows[ref]


def fill_url(name: str, target=None, rows=None) -> str:
    """reverse(name) with the pk of the row `target` names (see _row), or with a dict of URL kwargs
    whose row references are replaced by their pk. None: a URL without arguments."""
    if target is None:
        return reverse(name)
    if isinstance(target, dict):
        return reverse(name, kwargs={k: _row(rows, v).pk if isinstance(v, tuple) else v for k, v in target.items()})
    return reverse(name, args=[_row(rows, target).pk])


def fill_path(path: str, rows) -> str:
    """An API path with each "{group.noun}" replaced by the pk of rows[group][noun]."""
    return re.sub(r"\{(\w+)\.(\w+)\}", lambda m: str(rows[m[1]][m[2]].pk), path)


def assert_access(cast, who: str, method: str, url: str, expected: int, data=None):
    """`who` (signed in with a session) asks `url`; the answer has status `expected`. Returns the response."""
    client = client_for(cast, who)
    response = getattr(client, method)(url) if data is None else getattr(client, method)(url, data)
    assert response.status_code == expected, f"{who} {method.upper()} {url}"
    return response


def assert_api(cast, who: str, method: str, url: str, expected: int, body=None):
    """`who` (with an API token) asks `url`, sending `body` as JSON; the answer has status `expected`."""
    kwargs = {"content_type": "application/json", "data": json.dumps(body)} if body is not None else {}
    response = getattr(Client(), method)(url, **kwargs, **api_headers(cast, who))
    assert response.status_code == expected, f"{who} {method.upper()} {url}: {response.content[:300]!r}"
    return response


def assert_row(title: str, columns: list[str], expected: list[str], actual: list[str]) -> None:
    """One row of an access matrix: every column as expected, else one message naming each mismatch."""
    mismatches = [f"{c}: expected {e}, got {a}" for c, e, a in zip(columns, expected, actual, strict=True) if e != a]
    assert not mismatches, f"{title}: " + "; ".join(mismatches)


def message_request():
    """A POST request that views can add messages to, without the middleware."""
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _user(username: str, role: str = "", **fields) -> User:
    user = User(username=username, role=role, display_name=username, **fields)
    user.set_password(PASSWORD)
    user.full_clean(exclude=["password"])
    user.save()
    return user


def _person(name: str, region: Region, rng: random.Random, **fields) -> Person:
    person = Person(name=name, region=region, **fields)
    person.set_id_number(make_id_number(rng))
    person.set_mobile(make_mobile(rng))
    person.save()
    return person


def make_cast(seed: int = 7) -> Cast:
    rng = random.Random(seed)
    district = load_dongcheng()
    market = load_departments()[0]
    street_a = Region.objects.get(code="110101001")  # 东华门街道
    street_b = Region.objects.get(code="110101002")  # 景山街道
    chamber_a = Chamber.objects.create(name="东华门街道商会", kind="street", region=street_a)
    chamber_b = Chamber.objects.create(name="景山街道商会", kind="street", region=street_b)
    youth = Chamber.objects.create(name="东城区青年创业者协会", kind="association", region=district,
                                   individual_members=True)
    enterprise_a = Enterprise.objects.create(uscc=make_uscc(rng), name="东华门文化传媒有限公司", region=street_a,
                                             industry="R", size="small")
    enterprise_b = Enterprise.objects.create(uscc=make_uscc(rng), name="景山餐饮管理有限公司", region=street_b,
                                             industry="H", size="micro")
    person_a = _person("王东华", street_a, rng, enterprise=enterprise_a, position="董事长")
    person_b = _person("李景山", street_b, rng, enterprise=enterprise_b, position="总经理")
    youth_member = _person("赵青创", street_a, rng)
    enterprise_a.principal = person_a
    enterprise_a.save()
    enterprise_b.principal = person_b
    enterprise_b.save()
    joined = dt.date(2018, 1, 1)
    return Cast(
        district=district, street_a=street_a, street_b=street_b, chamber_a=chamber_a, chamber_b=chamber_b,
        youth=youth, market=market, enterprise_a=enterprise_a, enterprise_b=enterprise_b,
        person_a=person_a, person_b=person_b, youth_member=youth_member,
        membership_a=Membership.objects.create(chamber=chamber_a, enterprise=enterprise_a, joined=joined),
        membership_b=Membership.objects.create(chamber=chamber_b, enterprise=enterprise_b, joined=joined),
        youth_membership=Membership.objects.create(chamber=youth, person=youth_member, joined=joined),
        admin=_user("admin", Role.FEDERATION_ADMIN, region=district),
        worker_a=_user("worker_a", Role.STREET_WORKER, region=street_a),
        worker_b=_user("worker_b", Role.STREET_WORKER, region=street_b),
        instructor_a=_user("instructor_a", Role.PARTY_INSTRUCTOR, region=street_a),
        handler_a=_user("handler_a", Role.DEPARTMENT_HANDLER, region=street_a, department=market),
        enterprise_user_a=_user("enterprise_a", Role.ENTERPRISE_USER, enterprise=enterprise_a),
        leader=_user("leader", Role.LEADER, region=district),
        auditor=_user("auditor", Role.AUDITOR),
        superuser=_user("root", is_superuser=True, is_staff=True),
    )


def reimport_own_export(kind_name: str, by, tmp_path, fmt: str = "xlsx"):
    """`by` exports a kind's register (masked, as everyone's export is) and imports the file again
    as it is; returns (rows exported, the import's engine.Result)."""
    from shanghui.imports import engine, kinds
    from shanghui.imports.exports import export_kind

    response = export_kind(by=by, kind=kinds.get(kind_name), fmt=fmt)
    body = b"".join(response.streaming_content)
    path = tmp_path / f"{kind_name}_export.{fmt}"
    path.write_bytes(body)
    rows = sum(1 for _ in engine.open_sheets(path)[1].__next__().rows) - 1
    return rows, engine.run(kinds.get(kind_name), path, by=by, dry_run=False)


def assert_reimported_unchanged(rows: int, result) -> None:
    """An own export imported again: every row unchanged or skipped (hers to see, not to change), none new,
    updated or wrong."""
    assert rows > 0
    assert result.ok and result.committed, result.errors
    assert (result.new, result.updated, result.error_rows) == (0, 0, 0)
    assert result.unchanged + result.skipped == result.total == rows
