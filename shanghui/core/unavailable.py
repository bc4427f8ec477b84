"""The answer when the site cannot write just now: 503 with Retry-After, never a 500.

JSON under /api/, a small Chinese page elsewhere (no template or database needed, as
either may be what is failing).
"""

from django.http import HttpResponse, JsonResponse
from django.utils.html import escape

RETRY_AFTER_SECONDS = 30


def unavailable_response(request, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=503, json_dumps_params={"ensure_ascii": False})
    else:
        response = HttpResponse(
            '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>暂时无法处理 · 商会</title></head>'
            f'<body><main><h1>暂时无法处理</h1><p>{escape(message)}</p><p><a href="/">返回首页</a></p></main></body></html>',
            status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
