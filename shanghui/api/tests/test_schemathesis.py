"""Schemathesis against our own OpenAPI schema, with every role.

For each operation, generated requests (valid and invalid) are sent in turn as
each role of the cast and anonymously (the role rotates from one generated case
to the next, so every role meets every operation's cases); every response must be
no server error and must match the schema: a documented status code, content type
and body shape.
"""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from shanghui.accounts.models import ApiToken

ROLES = ["superuser", "admin", "worker_a", "instructor_a", "handler_a", "enterprise_user_a", "leader", "auditor"]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
CALLS = {"count": 0, "by_role": {}}
WHO = [*ROLES, "anonymous"]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def keep_test_connection():
    """Schemathesis calls the WSGI app directly, so Django's request signals fire and would
    close the test's database connection once it is older than CONN_MAX_AGE (PostgreSQL),
    mid-transaction. Django's own test client disconnects them the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(cast):
    return {role: ApiToken.issue(user=getattr(cast, role))[1] for role in ROLES}


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=6, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_api_conforms_to_its_schema_for_every_role(case, tokens):
    who = WHO[CALLS["count"] % len(WHO)]
    headers = {"Authorization": f"Bearer {tokens[who]}"} if who != "anonymous" else {}
    CALLS["count"] += 1
    CALLS["by_role"][who] = CALLS["by_role"].get(who, 0) + 1
    case.call_and_validate(headers=headers, checks=CHECKS)


def test_zz_schemathesis_ran_cases():
    """Printed for docs/security.md (run with -s); fails if the generated tests did not run."""
    if not CALLS["count"]:
        pytest.skip("run together with the schemathesis test")
    print(f"\nschemathesis requests sent: {CALLS['count']}, by role: {CALLS['by_role']}")
    assert CALLS["count"] > 100
    assert set(CALLS["by_role"]) == set(WHO) and min(CALLS["by_role"].values()) > 50
