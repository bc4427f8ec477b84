"""Who may see the dashboard, its exports, the streets overview and the dashboard API.

`DASHBOARD_URL_NAMES` (unioned into test_access.URL_NAMES) is built from the cases below, so a
name cannot be listed without being tested. Own scope is street A (东华门), other scope street B.
"""

import pytest
from django.urls import reverse

from shanghui.testing import access_params, assert_access, assert_api, client_for

pytestmark = pytest.mark.django_db

REGION_STAFF = ["admin", "leader", "worker_a", "instructor_a", "handler_a", "superuser"]

# name → [(who, query, expected status)]; query: "" or "own"/"other" for street A/B.
WEB_CASES = {
    "reports:dashboard": [("anonymous", "", 302), *[(w, "", 200) for w in REGION_STAFF],
                          ("enterprise_user_a", "", 403), ("auditor", "", 403),
                          ("admin", "other", 200), ("worker_a", "own", 200)],
    "reports:dashboard_export": [("anonymous", "", 302), ("admin", "", 200), ("worker_a", "", 200),
                                 ("leader", "own", 200), ("enterprise_user_a", "", 403), ("auditor", "", 403)],
    "reports:training_export": [("anonymous", "", 302), ("admin", "", 200), ("worker_b", "", 200),
                                ("enterprise_user_a", "", 403), ("auditor", "", 403)],
    "reports:streets": [("anonymous", "", 302), ("admin", "", 200), ("worker_a", "", 200), ("handler_a", "", 200),
                        ("enterprise_user_a", "", 403), ("auditor", "", 403)],
}
# API: (who, street code side, expected status)
API_CASES = {
    "api:reports_dashboard": [("anonymous", "", 401), ("admin", "", 200), ("leader", "other", 200),
                              ("worker_a", "", 200), ("worker_a", "own", 200), ("worker_a", "other", 422),
                              ("enterprise_user_a", "", 403), ("auditor", "", 403)],
}
DASHBOARD_URL_NAMES = set(WEB_CASES) | set(API_CASES)


def _street(cast, side):
    return {"own": cast.street_a, "other": cast.street_b}.get(side)


@pytest.mark.parametrize(("name", "case"), access_params(WEB_CASES))
def test_web_access(cast, name, case):
    who, side, expected = case
    street = _street(cast, side)
    url = reverse(name) + (f"?street={street.pk}&format=csv" if street else "?format=csv")
    response = assert_access(cast, who, "get", url, expected)
    if expected == 302:
        assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize(("name", "case"), access_params(API_CASES))
def test_api_access(cast, name, case):
    who, side, expected = case
    street = _street(cast, side)
    response = assert_api(cast, who, "get", reverse(name) + (f"?street={street.code}" if street else ""), expected)
    if expected == 200:
        data = response.json()
        codes = [s["street"] for s in data["streets"]]
        if who == "worker_a" or street is not None:
            assert codes == [(street or cast.street_a).code]
        else:
            assert len(codes) == 17


def test_a_street_worker_asking_for_another_street_still_sees_only_hers(cast):
    response = client_for(cast, "worker_a").get(reverse("reports:dashboard"), {"street": cast.street_b.pk})
    assert response.status_code == 200
    assert response.context["region"] == cast.street_a
    assert [r["street_name"] for r in response.context["rows"]] == ["东华门街道"]
    assert "景山街道" not in response.content.decode()


def test_home_sends_dashboard_roles_to_the_dashboard(cast):
    for who in ("admin", "leader", "worker_a", "instructor_a"):
        assert client_for(cast, who).get(reverse("home"))["Location"] == reverse("reports:dashboard"), who
    assert client_for(cast, "handler_a").get(reverse("home"))["Location"] == reverse("servicedesk:index")
    assert client_for(cast, "superuser").get(reverse("home")).status_code == 200  # the streets overview
