"""One set of rules for every operation: paths without a trailing slash (with one, the same
operation answers), and an unknown query parameter is a 422 naming it, never silently ignored."""

import re

from django.test import Client

from shanghui.api.auth import UNKNOWN_QUERY
from shanghui.api.urls import api
from shanghui.testing import api_headers


def _paths() -> dict:
    return api.get_openapi_schema()["paths"]


def test_documented_paths_have_no_trailing_slash(db):
    assert [path for path in _paths() if path.endswith("/")] == []


def test_every_read_answers_the_same_with_or_without_a_trailing_slash(cast):
    client = Client(**api_headers(cast, "admin"))
    checked = 0
    for path, ops in _paths().items():
        if "get" not in ops:
            continue
        url = re.sub(r"{\w+}", "1", path)
        plain, slashed = client.get(url), client.get(url + "/")
        assert plain.status_code == slashed.status_code != 500, url
        assert plain.content == slashed.content or plain.status_code != 200 or "file" in url, url
        checked += 1
    assert checked == sum("get" in ops for ops in _paths().values())


def test_a_write_with_a_trailing_slash_reaches_the_same_operation(cast):
    client = Client(**api_headers(cast, "admin"))
    for url in ("/api/v1/chambers", "/api/v1/chambers/"):
        response = client.post(url, {"code": f"T{len(url)}", "name": f"测试商会{len(url)}", "kind": "street",
                                     "region": "110101001"}, content_type="application/json")
        assert response.status_code in (201, 422), response.content
        assert response.status_code != 404


def test_an_unknown_query_parameter_is_refused_on_every_operation(cast):
    client = Client(**api_headers(cast, "admin"))
    for path, ops in _paths().items():
        url = re.sub(r"{\w+}", "1", path)
        for method in ops:
            response = getattr(client, method)(url + "?staus=active", content_type="application/json")
            assert response.status_code == 422, (method, url, response.status_code)
            assert response.json()["errors"] == {"staus": [UNKNOWN_QUERY]}


def test_known_parameters_pass_and_the_caller_is_checked_first(cast):
    client = Client(**api_headers(cast, "admin"))
    assert client.get("/api/v1/enterprises", {"status": "active", "page": 1, "page_size": 5}).status_code == 200
    # A misspelt filter used to return every enterprise; now it names the parameter.
    response = client.get("/api/v1/enterprises", {"staus": "active"})
    assert response.status_code == 422 and "staus" in response.json()["errors"]
    # Without credentials the answer is 401, whatever the parameters.
    assert Client().get("/api/v1/enterprises", {"staus": "active"}).status_code == 401
    # An enterprise user calling a staff operation hears 403 before anything about its parameters.
    enterprise = Client(**api_headers(cast, "enterprise_user_a"))
    assert enterprise.get("/api/v1/reports/dashboard", {"staus": 1}).status_code == 403
