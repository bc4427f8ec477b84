import json
import re
from collections import Counter

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from openapi_spec_validator import OpenAPIV31SpecValidator, validate

from shanghui.accounts.models import ApiToken


def _no_repeated_keys(pairs):
    # json.loads keeps the last of two equal keys; Swagger UI refuses the document instead.
    repeated = [key for key, n in Counter(key for key, _ in pairs).items() if n > 1]
    if repeated:
        raise ValueError(f"repeated keys {repeated} in one object")
    return dict(pairs)


def test_openapi_document_has_no_repeated_keys(db):
    text = Client().get("/api/v1/openapi.json").content.decode()
    schema = json.loads(text, object_pairs_hook=_no_repeated_keys)
    # Every operation's responses are keyed by string codes, each once.
    for operations in schema["paths"].values():
        for operation in operations.values():
            assert all(isinstance(code, str) and code.isdigit() for code in operation["responses"])
    with pytest.raises(ValueError, match="repeated keys"):
        json.loads('{"responses": {"401": 1, "401": 2}}', object_pairs_hook=_no_repeated_keys)


def test_openapi_schema_is_valid_and_lists_every_resource(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.1")
    validate(schema, cls=OpenAPIV31SpecValidator)  # raises on an invalid document
    paths = set(schema["paths"])
    for resource in ("chambers", "enterprises", "persons", "memberships"):
        assert f"/api/v1/{resource}" in paths and any(p.startswith(f"/api/v1/{resource}/{{") for p in paths)
    assert {"/api/v1/regions", "/api/v1/departments", "/api/v1/persons/{person_id}/unmask"} <= paths
    assert set(schema["components"]["securitySchemes"]) == {"TokenAuth", "SessionAuth"}
    # Personal data goes in, but the output schema carries only the masked forms.
    person_out = schema["components"]["schemas"]["PersonOut"]["properties"]
    assert {"id_number_masked", "mobile_masked"} <= set(person_out)
    assert not {"id_number", "mobile", "birth_date"} & set(person_out)
    assert schema["components"]["schemas"]["EnterpriseIn"]["properties"]["uscc"]["description"].startswith("统一社会信用代码")


def test_docs_are_served_from_local_static_files(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html and "/static/ninja/swagger-ui.css" in html
    # Nothing from another host (a bare "cdn" could be inside a random CSRF token).
    assert not re.search(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", html) and "https://" not in html
    assert finders.find("ninja/swagger-ui-bundle.js") and finders.find("ninja/swagger-ui-init.js")


def test_reference_data_is_visible_to_every_signed_in_user(cast):
    for user in (cast.enterprise_user_a, cast.auditor, cast.worker_b):
        _, key = ApiToken.issue(user=user)
        client = Client(headers={"Authorization": f"Bearer {key}"})
        regions = client.get("/api/v1/regions").json()
        assert len(regions) == 19
        streets = client.get("/api/v1/regions", {"level": "street"}).json()
        assert len(streets) == 17 and all(r["parent"] == "110101" and r["parent_name"] == "东城区" for r in streets)
        assert [r["code"] for r in client.get("/api/v1/regions", {"q": "东华门"}).json()] == ["110101001"]
        departments = client.get("/api/v1/departments").json()
        assert [d["code"] for d in departments] == ["food_drug", "hr", "justice", "market", "tax"]
    assert Client().get("/api/v1/regions").status_code == 401
