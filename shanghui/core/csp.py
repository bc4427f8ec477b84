"""Content-Security-Policy header (Django 5.2 has none built in).

The templates load every script and stylesheet from our own origin and use no inline
<script>, style= attribute or eval (htmx is told so in base.html), so the policy needs
no 'unsafe-inline'. core/tests/test_security_headers.py checks the key pages stay so.
"""

from django.conf import settings

DEFAULT_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        policy = getattr(settings, "SHANGHUI_CSP", None)
        self.policy = DEFAULT_POLICY if policy is None else policy

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Content-Security-Policy", self.policy)
        return response
