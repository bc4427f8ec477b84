"""Security headers on every page, and templates that a CSP without 'unsafe-inline' allows."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


class _InlineFinder(HTMLParser):
    """Collects what a strict Content-Security-Policy would block: inline scripts, styles and handlers."""

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []
        self._script_open = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not attrs.get("src") and attrs.get("type") != "application/json":
            self.problems.append("inline <script>")
        if tag == "style":
            self.problems.append("<style> element")
        for name in attrs:
            if name == "style":
                self.problems.append(f"style= on <{tag}>")
            if name.startswith("on"):
                self.problems.append(f"{name}= on <{tag}>")
            if name in ("href", "src", "action") and str(attrs[name]).lower().startswith("javascript:"):
                self.problems.append(f"javascript: URL on <{tag}>")


def _pages(cast) -> list[tuple[object, str]]:
    admin = cast.admin
    return [
        (None, reverse("accounts:login")),
        (admin, reverse("reports:dashboard")),  # the admin's home page
        (admin, reverse("reports:streets")),
        (admin, reverse("accounts:password_change")),
        (admin, reverse("orgs:chamber_list")),
        (admin, reverse("orgs:chamber_detail", args=[cast.chamber_a.pk])),
        (admin, reverse("orgs:chamber_edit", args=[cast.chamber_a.pk])),
        (admin, reverse("directory:enterprise_list")),
        (admin, reverse("directory:enterprise_detail", args=[cast.enterprise_a.pk])),
        (admin, reverse("directory:enterprise_create")),
        (admin, reverse("directory:person_list")),
        (admin, reverse("directory:person_detail", args=[cast.person_a.pk])),
        (admin, reverse("directory:membership_list")),
        (admin, reverse("directory:membership_detail", args=[cast.membership_a.pk])),
        (admin, reverse("directory:enterprise_delete", args=[cast.enterprise_b.pk])),
        (cast.auditor, reverse("audit:event_list")),
        (cast.worker_a, reverse("orgs:chamber_detail", args=[cast.chamber_b.pk])),  # the 404 page
    ]


def test_key_pages_have_no_inline_script_or_style(client, cast):
    for user, url in _pages(cast):
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        finder = _InlineFinder()
        finder.feed(response.content.decode())
        assert not finder.problems, (url, finder.problems)


def test_security_headers_are_sent_with_every_page(client, cast):
    client.force_login(cast.admin)
    for url in (reverse("accounts:login"), reverse("directory:enterprise_list"), "/api/v1/openapi.json"):
        response = client.get(url)
        csp = response.headers["Content-Security-Policy"]
        assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
