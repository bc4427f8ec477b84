"""Bad input on every web form, every search box and every API write: a 4xx in Chinese, never a 500.

The forms are not listed by hand: the test signs in as each business role on the demo data,
follows the site's own links (one page per URL pattern) and posts to every form it finds,
so a new form is covered the day it appears. Four inputs that once gave 500s: a body over the
upload limit, a lone UTF-16 surrogate, an id beyond 64 bits and a NUL character. The server log
(every record at ERROR or above) must stay empty, and no NUL may reach the database.
"""

import json
import logging
import re
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
from django.apps import apps
from django.db import connection, models
from django.test import Client
from django.urls import Resolver404, resolve

from shanghui.accounts.models import ApiToken, User
from shanghui.demo.generator import generate

BIG_ID = str(2**70)
NUL_TEXT = "商会\x00"
SURROGATE = "%ED%A0%80"  # what a browser would send for "\ud800": invalid UTF-8
UPLOAD_LIMIT = 20_000  # DATA_UPLOAD_MAX_MEMORY_SIZE for these tests: "too big" stays cheap to send
ROLES = ("fic_admin", "dhm_worker", "dhm_instructor", "dhm_market", "dhm_enterprise")
# Links the crawl does not follow (they end the session or send files) and forms it does not post
# (a delete with garbage fields still deletes, and the rows are needed for the other forms).
SKIP_LINKS = re.compile(r"logout|/admin/|/api/|download|export|/static/|/media/|template|\.(xlsx|docx|csv|pdf)$")
SKIP_FORMS = re.compile(r"logout|delete|/admin/")


class Forms(HTMLParser):
    """The links and the forms (method, action, field names) of one page."""

    def __init__(self):
        super().__init__()
        self.links: set[str] = set()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("href", "hx-get"):
            if attrs.get(key):
                self.links.add(attrs[key])
        if tag == "form":
            self.forms.append({"method": (attrs.get("method") or "get").lower(), "action": attrs.get("action"),
                               "fields": set()})
        elif tag in ("input", "select", "textarea") and self.forms and attrs.get("name"):
            if attrs.get("type") not in ("file", "submit", "button", "image", "reset"):
                self.forms[-1]["fields"].add(attrs["name"])


def _crawl(client: Client) -> dict[str, tuple[str, Forms]]:
    """url name → (a URL of it, its parsed page), following the site's links breadth-first."""
    seen: dict[str, tuple[str, Forms]] = {}
    queue = ["/"]
    visited = set()
    while queue:
        url = queue.pop(0)
        path = urlsplit(url).path
        if path in visited or SKIP_LINKS.search(path):
            continue
        visited.add(path)
        try:
            match = resolve(path)
        except Resolver404:
            continue
        if match.view_name in seen:
            continue
        response = client.get(path)
        assert response.status_code < 500, path
        if response.status_code == 302:
            queue.append(response["Location"])
            continue
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        page = Forms()
        page.feed(response.content.decode())
        seen[match.view_name] = (path, page)
        queue.extend(link for link in page.links if link.startswith("/"))
    return seen


def _errors(caplog) -> list[str]:
    return [f"{r.name}: {r.getMessage()[:200]}" for r in caplog.records if r.levelno >= logging.ERROR]


def _post_raw(client, url, body: str, content_type="application/x-www-form-urlencoded", **extra):
    return client.generic("POST", url, body.encode("ascii"), content_type=content_type, **extra)


def _no_nul_stored():
    """No text column of any table holds a NUL (SQLite would store one; PostgreSQL cannot)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for model in apps.get_models():
            for field in model._meta.concrete_fields:
                if isinstance(field, models.CharField | models.TextField):
                    # As bytes: SQLite's text functions stop at a NUL.
                    cursor.execute(f'SELECT COUNT(*) FROM "{model._meta.db_table}" '
                                   f'WHERE instr(CAST("{field.column}" AS BLOB), x\'00\') > 0')
                    assert cursor.fetchone()[0] == 0, f"{model.__name__}.{field.name} stored a NUL"


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    generate(seed=2, enterprises=12)


def test_every_form_and_search_refuses_the_four_bad_inputs_without_a_500(demo, settings, caplog):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_LIMIT
    caplog.set_level(logging.ERROR)
    done: set[tuple] = set()  # a form another role already met (same target, same fields)
    for role in ROLES:
        client = Client(raise_request_exception=False)
        client.force_login(User.objects.get(username=role))
        for path, page in _crawl(client).values():
            for form in page.forms:
                action = form["action"] or path
                fields = sorted(form["fields"] - {"csrfmiddlewaretoken"}) or ["x"]
                if SKIP_FORMS.search(action) or not action.startswith("/"):
                    continue
                key = (form["method"], resolve(urlsplit(action).path).view_name, tuple(fields))
                if key in done:
                    continue
                done.add(key)
                _send_bad_inputs(client, form["method"], action, fields)
    assert {method for method, _, _ in done} == {"get", "post"} and len(done) > 20, done
    assert _errors(caplog) == []
    _no_nul_stored()


def _send_bad_inputs(client: Client, method: str, action: str, fields: list[str]) -> None:
    if method == "get":  # a search or filter form
        response = client.get(action, {name: NUL_TEXT for name in fields})
        assert response.status_code == 400 and "空字符" in response.content.decode(), action
        response = client.get(action, {name: BIG_ID for name in fields})
        assert response.status_code < 500, action
        return
    response = client.post(action, {name: NUL_TEXT for name in fields})
    assert response.status_code == 400 and "空字符" in response.content.decode(), action
    response = client.post(action, {name: BIG_ID for name in fields})
    assert response.status_code < 500, (action, response.status_code)
    response = _post_raw(client, action, "&".join(f"{quote(name)}={SURROGATE}" for name in fields))
    assert response.status_code < 500, action
    response = _post_raw(client, action, f"{fields[0]}={'x' * UPLOAD_LIMIT}")
    assert response.status_code == 413 and "太大" in response.content.decode(), action


def _api_writes() -> list[tuple[str, str, dict | None]]:
    """(method, path template, request body schema) of every API operation that writes."""
    from shanghui.api.urls import api

    schema = api.get_openapi_schema()
    components = schema.get("components", {}).get("schemas", {})
    writes = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method in ("post", "put", "patch", "delete"):
                body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
                if body and "$ref" in body:
                    body = components[body["$ref"].rsplit("/", 1)[-1]]
                writes.append((method, path, body))
    return writes


def _body(schema: dict | None, value_for) -> dict:
    """Every property of the body schema filled with the bad value of its type."""
    body = {}
    for name, prop in (schema or {}).get("properties", {}).items():
        types = {prop.get("type")} | {p.get("type") for p in prop.get("anyOf", [])}
        body[name] = value_for("integer" if "integer" in types and "string" not in types else "string")
    return body


def test_every_api_write_refuses_the_four_bad_inputs_without_a_500(demo, settings, caplog):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_LIMIT
    caplog.set_level(logging.ERROR)
    token = ApiToken.issue(user=User.objects.get(username="fic_admin"))[1]
    client = Client(raise_request_exception=False, headers={"Authorization": f"Bearer {token}"})
    writes = _api_writes()
    assert len(writes) > 10
    for method, template, schema in writes:
        url = re.sub(r"\{[^}]+\}", "1", template)
        response = client.generic(method.upper(), url, b'{"x": "' + b"x" * UPLOAD_LIMIT + b'"}',
                                  content_type="application/json")
        assert response.status_code == 413 and "太大" in response.json()["detail"], url
        response = client.generic(method.upper(), url + "?q=%00")
        assert response.status_code == 422 and "空字符" in response.json()["detail"], url
        if schema is None:
            continue
        fields = _body(schema, lambda kind: "")
        for bad in ('"\\ud800"', '"a\\u0000b"'):
            raw = "{" + ", ".join(f'"{name}": {bad}' for name in fields) + "}"
            response = client.generic(method.upper(), url, raw.encode(), content_type="application/json")
            assert response.status_code == 422 and set(response.json()["errors"]) <= set(fields), url
        huge = _body(schema, lambda kind: 2**70 if kind == "integer" else "1")
        response = client.generic(method.upper(), url, json.dumps(huge).encode(), content_type="application/json")
        assert response.status_code < 500, (url, response.content)
    assert _errors(caplog) == []
    _no_nul_stored()


def test_ids_beyond_64_bits_match_nothing_in_in_lookups(cast):
    from shanghui.directory.models import Enterprise, Membership

    huge = 2**70
    assert not Enterprise.objects.filter(pk__in=[huge]).exists()
    assert list(Enterprise.objects.filter(pk__in=[huge, cast.enterprise_a.pk])) == [cast.enterprise_a]
    assert set(Membership.objects.filter(enterprise__in=[huge, cast.enterprise_a.pk])) == {cast.membership_a}
    assert not Membership.objects.filter(enterprise__in=[-huge]).exists()
