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
from shanghui.party.tests.test_access import PARTY_URL_NAMES
from shanghui.reports.tests.test_access import URL_NAMES as REPORTS_URL_NAMES
from shanghui.servicedesk.tests.test_access import URL_NAMES as SERVICEDESK_URL_NAMES
from shanghui.testing import api_headers, client_for, make_uscc

MATRIX_ACTIONS = ("list", "export", "create", "detail", "edit", "delete")


def url_names() -> set[str]:
    def walk(patterns, ns=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, ns + (f"{p.namespace}:" if p.namespace else ""))
            else:
                yield ns + (p.name or f"<unnamed {p.pattern}>")

    return set(walk(get_resolver().url_patterns))


def matrix_names() -> set[str]:
    return {f"{app}:{r}_{a}" for r, (app, _) in RESOURCES.items() for a in MATRIX_ACTIONS}


# name → [(who, method, target, expected status)]. `target` names the cast row whose pk
# goes into the URL (or None). API cases call with a bearer token.
CASES = {
    # Admins, leaders, street workers and instructors land on the dashboard (reports:dashboard).
    "home": [("anonymous", "get", None, 302), ("worker_a", "get", None, 302), ("admin", "get", None, 302),
             ("handler_a", "get", None, 302), ("superuser", "get", None, 200),
             ("enterprise_user_a", "get", None, 302), ("auditor", "get", None, 302)],
    "accounts:login": [("anonymous", "get", None, 200)],
    # For monitors: no login (its 503 answers: core/tests/test_health.py).
    "healthz": [("anonymous", "get", None, 200), ("worker_a", "get", None, 200)],
    "accounts:logout": [("anonymous", "post", None, 302), ("worker_a", "post", None, 302)],
    "accounts:password_change": [("anonymous", "get", None, 302), ("worker_a", "get", None, 200)],
    "directory:enterprise_autocomplete": [("anonymous", "get", None, 302), ("worker_a", "get", None, 200)],
    "directory:person_autocomplete": [("anonymous", "get", None, 302), ("worker_a", "get", None, 200)],
    # Unmask grants (accounts/unmask.py): the federation admin both numbers, a street worker the
    # mobiles of her street, the superuser and the other roles nothing.
    "directory:person_unmask": [
        ("anonymous", "post", "person_a", 302), ("admin", "post", "person_a", 200),
        ("worker_a", "post", "person_a", 200), ("worker_a", "post", "person_b", 404),
        ("superuser", "post", "person_a", 403), ("leader", "post", "person_a", 403),
        ("enterprise_user_a", "post", "person_a", 403), ("auditor", "post", "person_a", 404)],
    "accounts:totp_setup": [("anonymous", "get", None, 302), ("worker_a", "get", None, 200)],
    "accounts:totp_verify": [("anonymous", "get", None, 302), ("worker_a", "get", None, 302)],
    "accounts:totp_disable": [("anonymous", "post", None, 302), ("worker_a", "post", None, 302)],
    # User management: the federation admin (and the superuser), for business accounts in his region.
    "accounts:user_list": [("anonymous", "get", None, 302), ("admin", "get", None, 200),
                           ("superuser", "get", None, 200), ("worker_a", "get", None, 403),
                           ("leader", "get", None, 403), ("auditor", "get", None, 403),
                           ("enterprise_user_a", "get", None, 403)],
    "accounts:user_create": [("anonymous", "get", None, 302), ("admin", "get", None, 200),
                             ("worker_a", "get", None, 403), ("auditor", "get", None, 403)],
    "accounts:user_edit": [("anonymous", "get", "worker_a", 302), ("admin", "get", "worker_a", 200),
                           ("admin", "get", "admin", 403), ("admin", "get", "auditor", 404),
                           ("admin", "get", "superuser", 404), ("worker_b", "get", "worker_a", 403),
                           ("auditor", "get", "worker_a", 403)],
    "accounts:user_set_active": [("anonymous", "post", "worker_a", 302), ("admin", "post", "worker_a", 302),
                                 ("admin", "post", "auditor", 404), ("worker_b", "post", "worker_a", 403)],
    "accounts:user_reset_password": [("anonymous", "post", "worker_a", 302), ("admin", "post", "worker_a", 200),
                                     ("admin", "post", "superuser", 404), ("worker_b", "post", "worker_a", 403)],
    "accounts:user_reset_2fa": [("anonymous", "post", "worker_a", 302), ("admin", "post", "worker_a", 302),
                                ("worker_b", "post", "worker_a", 403), ("auditor", "post", "worker_a", 403)],
    # A person's data rights: only users granted the ID-number unmask, with write access to the person's street.
    "directory:person_rights": [("anonymous", "get", "person_a", 302), ("admin", "get", "person_a", 200),
                                ("superuser", "get", "person_a", 403), ("worker_a", "get", "person_a", 403),
                                ("worker_a", "get", "person_b", 404), ("leader", "get", "person_a", 403),
                                ("auditor", "get", "person_a", 404)],
    "directory:person_rights_export": [("anonymous", "post", "person_a", 302), ("admin", "post", "person_a", 200),
                                       ("worker_a", "post", "person_a", 403), ("auditor", "post", "person_a", 404)],
    "directory:person_rights_erase": [("anonymous", "post", "person_a", 302), ("admin", "post", "person_a", 200),
                                      ("worker_a", "post", "person_a", 403), ("auditor", "post", "person_a", 404)],
    "audit:event_list": [("anonymous", "get", None, 302), ("admin", "get", None, 200), ("auditor", "get", None, 200),
                         ("superuser", "get", None, 200), ("worker_a", "get", None, 403),
                         ("leader", "get", None, 403), ("enterprise_user_a", "get", None, 403)],
    "audit:event_export": [("anonymous", "get", None, 302), ("admin", "get", None, 200),
                           ("auditor", "get", None, 200), ("superuser", "get", None, 200),
                           ("worker_a", "get", None, 403), ("leader", "get", None, 403),
                           ("enterprise_user_a", "get", None, 403)],
    "api:api-root": [("anonymous", "get", None, 404)],
    "api:openapi-json": [("anonymous", "get", None, 200)],
    "api:openapi-view": [("anonymous", "get", None, 200)],
    "api:list_regions": [("anonymous", "get", None, 401), ("worker_a", "get", None, 200),
                         ("auditor", "get", None, 200)],
    "api:list_departments": [("anonymous", "get", None, 401), ("worker_a", "get", None, 200)],
    "api:unmask_person": [("anonymous", "post", "person_a", 401), ("admin", "post", "person_a", 200),
                          ("worker_a", "post", "person_a", 200), ("worker_a", "post", "person_b", 404),
                          ("superuser", "post", "person_a", 403), ("enterprise_user_a", "post", "person_a", 403)],
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
    "enterprise_user_a": {"chamber": "- - 404 404 403 404 404 404",
                          "enterprise": "+ - 200 404 403 200 404 404",
                          # The membership's chamber is outside his sight: an unknown reference, 422.
                          "person": API_READ, "membership": "+ - 200 404 422 403 404 404"},
    "auditor": {r: API_NONE if r != "membership" else "- - 404 404 422 404 404 404" for r in API},
    "anonymous": {r: "- - 401 401 401 401 401 401" for r in API},
}
API_NAMES = {f"api:{verb}_{noun}" for plural, noun in API.values()
             for verb, noun in [("list", plural), ("get", noun), ("create", noun), ("update", noun),
                                ("delete", noun)]}


def test_every_url_has_an_access_test():
    names = url_names()
    tested = matrix_names() | set(CASES) | API_NAMES | PARTY_URL_NAMES | set(IMPORT_CASES) | ACTIVITY_URL_NAMES
    tested |= SERVICEDESK_URL_NAMES | HONORS_URL_NAMES | COMMUNITY_URL_NAMES | LIBRARY_URL_NAMES | REPORTS_URL_NAMES
    untested = sorted(n for n in names - tested if not n.startswith("admin:"))
    assert not untested, f"URL patterns without an access test: {untested}"
    stale = sorted(tested - names)
    assert not stale, f"access tests for URL names that no longer exist: {stale}"


@pytest.mark.parametrize(("name", "case"), [(n, c) for n, cases in CASES.items() for c in cases],
                         ids=lambda v: v if isinstance(v, str) else "-".join(map(str, v)))
def test_url_case(cast, name, case):
    who, method, target, expected = case
    args = [getattr(cast, target).pk] if target else []
    url = reverse(name, args=args)
    if name.startswith("api:"):
        response = getattr(Client(), method)(url, **api_headers(cast, who))
    else:
        response = getattr(client_for(cast, who), method)(url)
    assert response.status_code == expected, f"{who} {method.upper()} {url}"
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
    mismatches = [f"{c}: expected {e}, got {a}" for c, e, a in zip(columns, expected, actual, strict=True) if e != a]
    assert not mismatches, f"API {who} × {resource}: " + "; ".join(mismatches)
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
    "imports:index": [("anonymous", "get", 302), ("worker_a", "get", 200), ("admin", "get", 200),
                      ("leader", "get", 403), ("auditor", "get", 403), ("enterprise_user_a", "get", 403)],
    "imports:template": [("anonymous", "get", 302), ("worker_a", "get", 200), ("leader", "get", 403),
                         ("auditor", "get", 403)],
    "imports:export": [("anonymous", "get", 302), ("worker_a", "get", 200), ("leader", "get", 200)],
    # The plaintext export form: only users granted the unmask of every number in the file.
    "imports:export_plain": [("anonymous", "get", 302), ("admin", "get", 200), ("worker_a", "get", 403),
                             ("superuser", "get", 403), ("leader", "get", 403), ("auditor", "get", 403),
                             ("enterprise_user_a", "get", 403), ("worker_a", "post", 403),
                             ("superuser", "post", 403)],
    "imports:job": [("anonymous", "get", 302), ("worker_a", "get", 200), ("worker_b", "get", 404),
                    ("admin", "get", 404)],
    "imports:job_state": [("anonymous", "get", 302), ("worker_a", "get", 200), ("worker_b", "get", 404)],
    "imports:job_errors": [("anonymous", "get", 302), ("worker_b", "get", 404)],
    "imports:job_commit": [("anonymous", "post", 302), ("worker_b", "post", 404)],
    "imports:job_cancel": [("anonymous", "post", 302), ("worker_b", "post", 404), ("worker_a", "post", 302)],
}


@pytest.mark.parametrize(("name", "case"), [(n, c) for n, cases in IMPORT_CASES.items() for c in cases],
                         ids=lambda v: v if isinstance(v, str) else "-".join(map(str, v)))
def test_import_url_case(cast, name, case):
    from shanghui.imports.models import ImportJob

    who, method, expected = case
    job = ImportJob.objects.create(user=cast.worker_a, kind="enterprises", filename="企业.xlsx", size=10)
    args = {"imports:template": ["enterprises"], "imports:export": ["enterprises"],
            "imports:export_plain": ["persons"], "imports:index": []}.get(name, [job.pk])
    response = getattr(client_for(cast, who), method)(reverse(name, args=args))
    assert response.status_code == expected, f"{who} {method.upper()} {name}"
