import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_street_worker_sees_her_street_and_its_chamber_only(client, cast):
    client.force_login(cast.worker_a)
    response = client.get(reverse("reports:streets"))
    assert response.status_code == 200
    rows = response.context["streets"]
    assert [r["street"].name for r in rows] == ["东华门街道"]
    assert rows[0]["chamber"] == cast.chamber_a and rows[0]["chamber"].member_count == 1
    assert "景山" not in response.content.decode()


def test_federation_admin_sees_every_street_of_the_district(client, cast):
    client.force_login(cast.admin)
    response = client.get(reverse("reports:streets"))
    rows = response.context["streets"]
    assert len(rows) == 17
    with_chamber = {r["street"].name: r["chamber"].name for r in rows if r["chamber"]}
    assert with_chamber == {"东华门街道": "东华门街道商会", "景山街道": "景山街道商会"}
    assert response.context["totals"]["enterprises"] == 2
    assert [c.name for c in response.context["other_chambers"]] == ["东城区青年创业者协会"]


def test_enterprise_user_lands_on_his_own_home_page(client, cast):
    # The page itself: reports/tests/test_enterprise_home.py.
    client.force_login(cast.enterprise_user_a)
    response = client.get(reverse("home"))
    assert response.status_code == 200 and cast.enterprise_a.name in response.content.decode()


def test_auditor_is_sent_to_the_audit_log(client, cast):
    client.force_login(cast.auditor)
    assert client.get(reverse("home"))["Location"] == reverse("audit:event_list")


def test_pages_carry_no_inline_scripts_handlers_or_styles(client, cast):
    # A strict Content-Security-Policy (script-src/style-src 'self') must not break any page.
    import re

    from django.urls import reverse as r

    client.force_login(cast.admin)
    urls = [r("reports:streets"), r("orgs:chamber_list"), r("orgs:chamber_detail", args=[cast.chamber_a.pk]),
            r("directory:enterprise_list"), r("directory:enterprise_create"),
            r("directory:person_detail", args=[cast.person_a.pk]), r("directory:membership_create"),
            r("audit:event_list")]
    for url in urls:
        html = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html), url
        assert not re.search(r"\son[a-z]+\s*=", html), url
        assert not re.search(r"\sstyle\s*=", html), url
        # No CDN: nothing is loaded from another host (a bare "cdn" could be inside a random CSRF token).
        assert not re.search(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", html), url
