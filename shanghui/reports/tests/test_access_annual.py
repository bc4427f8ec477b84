"""Who may download the annual work report and the statistics table (reports:annual_report, reports:statistics_table).

Region roles get their region's file (a street worker her street's); a street outside the user's
scope is a 404; enterprise users and auditors get 403; anonymous users go to the login page.
"""

import pytest
from django.urls import reverse

from shanghui.testing import assert_access, client_for

A, B = "110101001", "110101002"  # the cast's streets: 东华门 (own), 景山 (other)
CASES = [
    ("anonymous", {}, 302),
    ("admin", {}, 200), ("admin", {"street": B}, 200),
    ("worker_a", {}, 200), ("worker_a", {"street": A}, 200), ("worker_a", {"street": B}, 404),
    ("worker_b", {"street": A}, 404),
    ("leader", {"street": B}, 200), ("instructor_a", {}, 200), ("instructor_a", {"street": B}, 404),
    ("handler_a", {}, 200), ("enterprise_user_a", {}, 403), ("auditor", {}, 403), ("superuser", {"street": B}, 200),
]
ANNUAL_URL_NAMES = {"reports:annual_report", "reports:statistics_table", "reports:annual_narrative"}


@pytest.mark.parametrize("name", sorted(ANNUAL_URL_NAMES))
@pytest.mark.parametrize("who,params,expected", CASES)
def test_download_access(cast, name, who, params, expected):
    response = assert_access(cast, who, "get", reverse(name), expected, {"year": 2018, **params})
    if expected == 302:
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_a_street_worker_gets_her_streets_report_in_both_formats(cast, fmt):
    response = client_for(cast, "worker_a").get(reverse("reports:annual_report"), {"year": 2018, "format": fmt})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f".{fmt}")
    assert "%E4%B8%9C%E5%8D%8E%E9%97%A8" in response["Content-Disposition"]  # 东华门
