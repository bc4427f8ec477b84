from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from shanghui.accounts.pages import enterprise_page
from shanghui.core import health


@enterprise_page
@never_cache
@require_GET
def healthz(request):
    """For monitors: no login, no personal data; 200 when every check is ok, else 503 (core/health.py)."""
    data = health.report()
    return JsonResponse(data, status=200 if data["status"] == "ok" else 503, json_dumps_params={"ensure_ascii": False})
