"""Malformed requests are the client's mistake: a 4xx answer in Chinese, never a 500 and never a traceback.

Django raises RequestDataTooBig (and its siblings) lazily, wherever the body is first read: in
the CSRF check, a view or the API's parser, and then logs it with a traceback. Reading the body
here, first, turns it into one clear answer. A NUL character in a query string or a form field
is refused here too: PostgreSQL cannot store or even compare it (SQLite would store it), so it
must never reach a query, whatever field or search box carries it.
"""

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import JsonResponse
from django.shortcuts import render

TOO_BIG = "提交的内容太大，超过了系统允许的上限，未作任何修改。上传文件请使用导入页面，或拆分后分批提交。"
TOO_MANY = "提交的字段或文件数量太多，未作任何修改。"
NUL = "提交的内容含有空字符（\\0），无法保存，请删除后重试。"
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def has_nul(data) -> bool:
    """True if any key or value of a QueryDict holds a NUL character."""
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in data.lists())


def refuse(request, status: int, message: str):
    if request.path.startswith("/api/"):
        # The API's own convention: bad data is 422, in its one error shape.
        status = 422 if status == 400 else status
        return JsonResponse({"detail": message, "errors": {}}, status=status, json_dumps_params={"ensure_ascii": False})
    return render(request, "400.html", {"message": message}, status=status)


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            if request.method == "POST" and request.content_type in FORM_TYPES:
                form_data = request.POST  # parsed now, as the CSRF check would; files go to disk
            else:
                form_data = None
                if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE"):
                    request.body  # noqa: B018 (read now: over the limit it raises here, not in a view)
        except RequestDataTooBig:
            return refuse(request, 413, TOO_BIG)
        except (TooManyFieldsSent, TooManyFilesSent):
            return refuse(request, 400, TOO_MANY)
        if has_nul(request.GET) or (form_data is not None and has_nul(form_data)):
            return refuse(request, 400, NUL)
        return self.get_response(request)
