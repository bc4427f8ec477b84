"""The one "service unavailable" answer: a Chinese 503 page, or JSON under /api/, with Retry-After.

Used wherever the site can read but not write just now (a full disk, a read-only database,
a long write holding the lock), so every such answer looks and behaves the same.
"""

from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

RETRY_AFTER_SECONDS = 60


def unavailable_response(request, message: str, retry_after: int = RETRY_AFTER_SECONDS) -> HttpResponse:
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message, "errors": {}}, status=503,
                                json_dumps_params={"ensure_ascii": False})
    else:
        # Rendered without the request context: nothing on this page may need the database.
        response = HttpResponse(render_to_string("core/unavailable.html", {"message": message}), status=503)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response
