"""Every URL pattern of the site (web, API, admin) has an access test.

`test_every_url_has_an_access_test` walks the URL resolver and fails when a
pattern is neither in the web access matrix (accounts/tests/test_access_matrix.py)
nor in CASES below, nor an admin page (covered by the admin rule here). The other
tests run every case.
"""

import datetime as dt
import json
import random

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from shanghui.accounts.tests.test_access_matrix import RESOURCES
from shanghui.activities.tests.test_access import ACTIVITY_URL_NAMES
from shanghui.community.tests.test_access import URL_NAMES as COMMUNITY_URL_NAMES
from shanghui.honors.tests.test_access import URL_NAMES as HONORS_URL_NAMES
from shanghui.library.tests.test_access import URL_NAMES as LIBRARY_URL_NAMES
from shanghui.notices.tests.test_access import URL_NAMES as NOTICES_URL_NAMES
from shanghui.orgs.tests.test_access import URL_NAMES as ORGS_URL_NAMES
from shanghui.party.tests.test_access import PARTY_URL_NAMES
from shanghui.party.tests.test_dues_access import DUES_URL_NAMES
from shanghui.party.tests.test_recruitment_access import RECRUITMENT_URL_NAMES
from shanghui.reports.tests.test_access import URL_NAMES as REPORTS_URL_NAMES
from shanghui.servicedesk.tests.test_access import URL_NAMES as SERVICEDESK_URL_NAMES
from shanghui.testing import (
    access_params,
    api_headers,
    assert_access,
    assert_api,
    assert_row,
    by_role,
    client_for,
    fill_url,
    make_uscc,
)

MATRIX_ACTIONS = ("list", "export", "create", "detail", "edit", "delete")


def url_patterns() -> dict:
    """Every URL pattern of the site by its name ("app:name")."""
    def walk(patterns, ns=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, ns + (f"{p.namespace}:" if p.namespace else ""))
            else:
                yield ns + (p.name or f"<unnamed {p.pattern}>"), p

    return dict(walk(get_resolver().url_patterns))


def url_names() -> set[str]:
    return set(url_patterns())


def matrix_names() -> set[str]:
    return {f"{app}:{r}_{a}" for r, (app, _) in RESOURCES.items() for a in MATRIX_ACTIONS}


# name → [(who, method, target, expected status)]. `target` names the cast row whose pk
# goes into the URL (or None). API cases call with a bearer token.
CASES = {
    # Admins, leaders, street workers and instructors land on the dashboard (reports:dashboard); the
    # enterprise user has his own home page.
    "home":
        by_role(anonymous=302, worker_a=302, admin=302, handler_a=302, superuser=200, enterprise_user_a=200,
                auditor=302),
    "accounts:login": by_role(anonymous=200),
    # For monitors: no login (its 503 answers: core/tests/test_health.py).
    "healthz": by_role(anonymous=200, worker_a=200),
    "accounts:logout": by_role(method="post", anonymous=302, worker_a=302),
    "accounts:password_change": by_role(anonymous=302, worker_a=200),
    "directory:enterprise_autocomplete": by_role(anonymous=302, worker_a=200),
    "directory:person_autocomplete": by_role(anonymous=302, worker_a=200),
    # Unmask grants (accounts/unmask.py): the federation admin both numbers, a street worker the
    # mobiles of her street, the superuser and the other roles nothing.
    "directory:person_unmask": [
        *by_role("person_a", method="post", anonymous=302, admin=200, worker_a=200, superuser=403,
                 leader=403, enterprise_user_a=403, auditor=404),
        *by_role("person_b", method="post", worker_a=404),
    ],
    "accounts:totp_setup": by_role(anonymous=302, worker_a=200),
    "accounts:totp_verify": by_role(anonymous=302, worker_a=302),
    "accounts:totp_disable": by_role(method="post", anonymous=302, worker_a=302),
    # The 统计年度 selector: every staff user's own choice; a staff page to an enterprise user.
    "accounts:stats_year": [
        *by_role(method="post", anonymous=302, worker_a=302, leader=302, auditor=302, enterprise_user_a=403),
        *by_role(worker_a=405),
    ],
    # User management: the federation admin (and the superuser), for business accounts in his region.
    "accounts:user_list":
        by_role(anonymous=302, admin=200, superuser=200, worker_a=403, leader=403, auditor=403,
                enterprise_user_a=403),
    "accounts:user_create": by_role(anonymous=302, admin=200, worker_a=403, auditor=403),
    "accounts:user_edit": [
        *by_role("worker_a", anonymous=302, admin=200, worker_b=403, auditor=403),
        *by_role("admin", admin=403),
        *by_role("auditor", admin=404),
        *by_role("superuser", admin=404),
    ],
    "accounts:user_set_active": [
        *by_role("worker_a", method="post", anonymous=302, admin=302, worker_b=403),
        *by_role("auditor", method="post", admin=404),
    ],
    "accounts:user_reset_password": [
        *by_role("worker_a", method="post", anonymous=302, admin=200, worker_b=403),
        *by_role("superuser", method="post", admin=404),
    ],
    "accounts:user_reset_2fa":
        by_role("worker_a", method="post", anonymous=302, admin=302, worker_b=403, auditor=403),
    # Unlocking an account that is not locked is refused with a message on the account's page (302).
    "accounts:user_unlock": [
        *by_role("worker_a", method="post", anonymous=302, admin=302, superuser=302, worker_b=403, auditor=403,
                 enterprise_user_a=403),
        *by_role("superuser", method="post", admin=404),
        *by_role("admin", method="post", admin=403),
    ],
    "accounts:user_require_2fa": [
        *by_role("worker_a", method="post", anonymous=302, admin=302, worker_b=403, leader=403, auditor=403,
                 enterprise_user_a=403),
        *by_role("auditor", method="post", admin=404),
        *by_role("worker_a", admin=405),
    ],
    # A person's data rights: only users granted the ID-number unmask, with write access to the person's street.
    "directory:person_rights": [
        *by_role("person_a", anonymous=302, admin=200, superuser=403, worker_a=403, leader=403, auditor=404),
        *by_role("person_b", worker_a=404),
    ],
    "directory:person_rights_export":
        by_role("person_a", method="post", anonymous=302, admin=200, worker_a=403, auditor=404),
    "directory:person_rights_erase":
        by_role("person_a", method="post", anonymous=302, admin=200, worker_a=403, auditor=404),
    "audit:event_list":
        by_role(anonymous=302, admin=200, auditor=200, superuser=200, worker_a=403, leader=403,
                enterprise_user_a=403),
    "audit:event_export":
        by_role(anonymous=302, admin=200, auditor=200, superuser=200, worker_a=403, leader=403,
                enterprise_user_a=403),
    # 系统设置: the federation admin and the superuser (core/config.py can_configure).
    "core:settings": [
        *by_role(anonymous=302, admin=200, superuser=200, worker_a=403, leader=403, auditor=403,
                 handler_a=403, enterprise_user_a=403),
        *by_role(method="post", anonymous=302, worker_a=403, auditor=403, enterprise_user_a=403),
    ],
    "api:api-root": by_role(anonymous=404),
    "api:openapi-json": by_role(anonymous=200),
    "api:openapi-view": by_role(anonymous=200),
    "api:list_regions": by_role(anonymous=401, worker_a=200, auditor=200),
    "api:list_departments": by_role(anonymous=401, worker_a=200),
    "api:unmask_person": [
        *by_role("person_a", method="post", anonymous=401, admin=200, worker_a=200, superuser=403,
                 enterprise_user_a=403),
        *by_role("person_b", method="post", worker_a=404),
    ],
}

API = {"chamber": ("chambers", "chamber"), "enterprise": ("enterprises", "enterprise"),
       "person": ("persons", "person"), "membership": ("memberships", "membership")}
# API matrix: list own, list other, get own, get other, create, update own, update other, delete other.
API_ALL = "+ - 200 404 201 200 404 404"
API_READ = "+ - 200 404 403 403 404 404"
API_NONE = "- - 404 404 403 404 404 404"
API_EXPECTED = {
    # For the district admin, "other" is street B, inside the district. A chamber with members cannot be
    # deleted (422); the others can.
    "admin": {r: "+ + 200 200 201 200 200 " + ("422" if r == "chamber" else "204") for r in API},
    "worker_a": {r: API_ALL for r in API},
    "leader": {r: "+ + 200 200 403 403 403 403" for r in API},  # district-wide reader
    "instructor_a": {r: API_READ for r in API},
    "handler_a": {r: API_READ for r in API},
    # An enterprise user calls only the operations marked for him (api/auth.py): the chambers not at all,
    # his enterprise, its persons and memberships read only (and the enterprise's self-editable fields);
    # every other write is refused as a staff operation before any lookup.
    "enterprise_user_a": {"chamber": "- - 403 403 403 403 403 403",
                          "enterprise": "+ - 200 404 403 200 404 403",
                          "person": "+ - 200 404 403 403 403 403", "membership": "+ - 200 404 403 403 403 403"},
    "auditor": {r: API_NONE if r != "membership" else "- - 404 404 422 404 404 404" for r in API},
    "anonymous": {r: "- - 401 401 401 401 401 401" for r in API},
}
API_NAMES = {f"api:{verb}_{noun}" for plural, noun in API.values()
             for verb, noun in [("list", plural), ("get", noun), ("create", noun), ("update", noun),
                                ("delete", noun)]}


def test_every_url_has_an_access_test():
    names = url_names()
    tested = matrix_names() | set(CASES) | API_NAMES | PARTY_URL_NAMES | DUES_URL_NAMES | set(IMPORT_CASES) | ACTIVITY_URL_NAMES
    tested |= SERVICEDESK_URL_NAMES | HONORS_URL_NAMES | COMMUNITY_URL_NAMES | LIBRARY_URL_NAMES | REPORTS_URL_NAMES
    tested |= NOTICES_URL_NAMES | ORGS_URL_NAMES
    tested |= RECRUITMENT_URL_NAMES
    untested = sorted(n for n in names - tested if not n.startswith("admin:"))
    assert not untested, f"URL patterns without an access test: {untested}"
    stale = sorted(tested - names)
    assert not stale, f"access tests for URL names that no longer exist: {stale}"


@pytest.mark.parametrize(("name", "case"), access_params(CASES))
def test_url_case(cast, name, case):
    who, method, target, expected = case
    url = fill_url(name, target, vars(cast))
    (assert_api if name.startswith("api:") else assert_access)(cast, who, method, url, expected)
    if name == "directory:enterprise_autocomplete" and expected == 200:
        response = client_for(cast, who).get(url, {"q": "有限公司"})
        assert cast.enterprise_a.name in response.content.decode()
        assert cast.enterprise_b.name not in response.content.decode()


def _payload(cast, resource: str) -> dict:
    rng = random.Random(5)
    return {
        "chamber": {"name": "东华门文化产业商会", "kind": "industry", "region": cast.street_a.code},
        "enterprise": {"uscc": make_uscc(rng), "name": "东华门新设有限公司", "region": cast.street_a.code},
        "person": {"name": "孙新人", "region": cast.street_a.code},
        # Before the 2018 membership: no overlap, so a writer may create it.
        "membership": {"chamber": cast.chamber_a.pk, "enterprise": cast.enterprise_a.pk,
                       "joined": "2010-01-01", "left": "2015-12-31"},
    }[resource]


def _patch(resource: str) -> dict:
    return {"chamber": {"phone": "010-65001234"}, "enterprise": {"address": "东城区东华门大街1号"},
            "person": {"position": "监事"}, "membership": {"role": "director"}}[resource]


@pytest.mark.parametrize("who", list(API_EXPECTED))
@pytest.mark.parametrize("resource", list(API))
def test_api_access_matrix(cast, who, resource):
    plural, _ = API[resource]
    own = getattr(cast, f"{resource}_a")
    other = getattr(cast, f"{resource}_b")
    headers = api_headers(cast, who)
    client = Client()
    base = f"/api/v1/{plural}/"

    def status(method, url, body=None):
        kwargs = {"content_type": "application/json", "data": json.dumps(body)} if body is not None else {}
        return getattr(client, method)(url, **kwargs, **headers).status_code

    listing = client.get(base, {"page_size": 100}, **headers)
    items = listing.json().get("items", []) if listing.status_code == 200 else []
    ids = {item["id"] for item in items}
    actual = [
        "+" if own.pk in ids else "-",
        "+" if other.pk in ids else "-",
        str(status("get", f"{base}{own.pk}")),
        str(status("get", f"{base}{other.pk}")),
        str(status("post", base, _payload(cast, resource))),
        str(status("patch", f"{base}{own.pk}", _patch(resource))),
        str(status("patch", f"{base}{other.pk}", _patch(resource))),
        str(status("delete", f"{base}{other.pk}")),
    ]
    expected = API_EXPECTED[who][resource].split()
    columns = ["list own", "list other", "get own", "get other", "create", "update own", "update other",
               "delete other"]
    assert_row(f"API {who} × {resource}", columns, expected, actual)
    type(other).objects.filter(pk=other.pk).exists() or expected[7] == "204" or pytest.fail("deleted by refusal")


@pytest.mark.parametrize("who", ["anonymous", "worker_a", "admin"])
def test_admin_pages_need_a_staff_login(cast, who):
    """Every admin page: anonymous and non-staff users are sent to the admin login."""
    from django.contrib import admin

    client = client_for(cast, who)
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls += [reverse("admin:{}_{}_changelist".format(*info)), reverse("admin:{}_{}_add".format(*info))]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url


def test_superuser_admin_pages_answer(cast):
    from django.contrib import admin

    client = client_for(cast, "superuser")
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        assert client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200


@pytest.mark.parametrize("resource", list(RESOURCES))
def test_garbage_posted_to_forms_changes_nothing_and_never_errors(cast, resource):
    """Bad input on every create and edit form: a page with messages, nothing written, never a 500."""
    app, model = RESOURCES[resource]
    client = client_for(cast, "worker_a")
    own = getattr(cast, f"{resource}_a")
    before = {o.pk: o.__dict__.copy() for o in model.objects.all()}
    garbage = {"name": "", "uscc": "X" * 40, "region": "999", "kind": "nope", "joined": "2018-13-45",
               "left": "yesterday", "id_number": "123", "mobile": "abc", "employees": "-5", "founded": "3000-01-01",
               "chamber": "0", "enterprise": "abc", "person": "-1", "principal": "999999"}
    for url in (reverse(f"{app}:{resource}_create"), reverse(f"{app}:{resource}_edit", args=[own.pk])):
        response = client.post(url, garbage)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "错误" in page or "请" in page or "不" in page
    after = {o.pk: o.__dict__.copy() for o in model.objects.all()}
    for rows in (before, after):
        for row in rows.values():
            row.pop("_state", None)
    assert before == after
    _ = dt  # keep the import used for readers extending the payloads with dates


# Import pages: jobs are their uploader's (another user's job is 404); templates and
# uploads need a role that may import; exports show what the user may see.
IMPORT_CASES = {
    "imports:index":
        by_role(anonymous=302, worker_a=200, admin=200, leader=403, auditor=403, enterprise_user_a=403),
    "imports:template": by_role(anonymous=302, worker_a=200, leader=403, auditor=403),
    "imports:export": by_role(anonymous=302, worker_a=200, leader=200),
    # The plaintext export form: only users granted the unmask of every number in the file.
    "imports:export_plain": [
        *by_role(anonymous=302, admin=200, worker_a=403, superuser=403, leader=403, auditor=403,
                 enterprise_user_a=403),
        *by_role(method="post", worker_a=403, superuser=403),
    ],
    "imports:job": by_role(anonymous=302, worker_a=200, worker_b=404, admin=404),
    "imports:job_state": by_role(anonymous=302, worker_a=200, worker_b=404),
    "imports:job_errors": by_role(anonymous=302, worker_b=404),
    "imports:job_commit": by_role(method="post", anonymous=302, worker_b=404),
    "imports:job_cancel": by_role(method="post", anonymous=302, worker_b=404, worker_a=302),
}


@pytest.mark.parametrize(("name", "case"), access_params(IMPORT_CASES))
def test_import_url_case(cast, name, case):
    from shanghui.imports.models import ImportJob

    who, method, _, expected = case
    job = ImportJob.objects.create(user=cast.worker_a, kind="enterprises", filename="企业.xlsx", size=10)
    args = {"imports:template": ["enterprises"], "imports:export": ["enterprises"],
            "imports:export_plain": ["persons"], "imports:index": []}.get(name, [job.pk])
    assert_access(cast, who, method, reverse(name, args=args), expected)
