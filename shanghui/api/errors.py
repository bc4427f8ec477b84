"""One error shape for the whole API: {"detail": "中文消息", "errors": {"字段": ["中文消息", ...]}}.

Every failure a client can cause maps to a 4xx answer in that shape:
Django ValidationError → 422, PermissionDenied → 403, Http404 → 404 (a row outside the
user's scope and a missing row give the same body), ninja's schema errors and malformed
JSON → 422, IntegrityError (including ProtectedError on delete) → 409, no credentials → 401.
"""

import json

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import DataError, IntegrityError
from django.http import Http404
from ninja import Field, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaError

from .parser import UnstorableText

NOT_FOUND = "未找到该记录，或您无权查看。"
UNAUTHORIZED = "未登录或令牌无效：请先登录，或在请求头中提供 Authorization: Bearer <令牌>。"
FORBIDDEN = "您无权进行此操作。"
CONFLICT = "该操作与已有数据冲突（例如代码重复，或记录仍被其他数据引用），未作任何修改。"
MALFORMED = "请求内容不是有效的 JSON。"
INVALID = "提交的数据有误，请按字段提示修改。"
OUT_OF_RANGE = "提交的数值或文本超出数据库允许的范围，未作任何修改。"


class ErrorOut(Schema):
    detail: str = Field(description="错误说明（中文）")
    errors: dict[str, list[str]] = Field(default_factory=dict,
                                         description="按字段列出的错误；与具体字段无关的错误在 __all__ 下")


# Every operation may answer with these; documented once, attached to each operation.
READ_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS = {**READ_ERRORS, 403: ErrorOut, 409: ErrorOut}

# Pydantic error types → Chinese. Placeholders come from the error's ctx.
_SCHEMA_MESSAGES = {
    "missing": "此项为必填项。",
    "string_type": "应为文本。",
    "int_type": "应为整数。",
    "int_parsing": "应为整数。",
    "int_from_float": "应为整数。",
    "float_type": "应为数字。",
    "float_parsing": "应为数字。",
    "bool_type": "应为 true 或 false。",
    "bool_parsing": "应为 true 或 false。",
    "date_type": "日期格式不正确，应为 YYYY-MM-DD。",
    "date_parsing": "日期格式不正确，应为 YYYY-MM-DD。",
    "date_from_datetime_parsing": "日期格式不正确，应为 YYYY-MM-DD。",
    "date_from_datetime_inexact": "日期格式不正确，应为 YYYY-MM-DD。",
    "enum": "取值无效，可选值：{expected}。",
    "literal_error": "取值无效，可选值：{expected}。",
    "extra_forbidden": "不支持此字段。",
    "string_too_long": "长度不能超过{max_length}个字符。",
    "string_too_short": "长度不能少于{min_length}个字符。",
    "greater_than_equal": "不能小于{ge}。",
    "greater_than": "应大于{gt}。",
    "less_than_equal": "不能大于{le}。",
    "less_than": "应小于{lt}。",
    "model_type": "应为 JSON 对象。",
    "model_attributes_type": "应为 JSON 对象。",
    "dict_type": "应为 JSON 对象。",
    "list_type": "应为列表。",
}


def _schema_message(error: dict) -> str:
    template = _SCHEMA_MESSAGES.get(error.get("type", ""), "取值无效。")
    try:
        return template.format(**error.get("ctx", {}))
    except (KeyError, IndexError):
        return template


def _schema_field(loc: tuple) -> str:
    # loc is (source, [param name,] field, ...): ("body", "payload", "uscc"), ("query", "page").
    # A body is one schema parameter, so its name is noise to a client.
    parts = [str(p) for p in loc[1:]]
    if loc and loc[0] == "body" and parts:
        parts = parts[1:]
    return ".".join(parts) or NON_FIELD_ERRORS


def _messages(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {field: list(messages) for field, messages in exc.message_dict.items()}
    return {NON_FIELD_ERRORS: list(exc.messages)}


def _schema_errors(exc: SchemaError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        errors.setdefault(_schema_field(tuple(error.get("loc", ()))), []).append(_schema_message(error))
    return errors


def _detail(errors: dict[str, list[str]]) -> str:
    messages = [m for ms in errors.values() for m in ms]
    return messages[0] if len(messages) == 1 else INVALID


def install(api) -> None:
    """Register the handlers on a NinjaAPI (they replace ninja's English defaults)."""

    def respond(request, status: int, detail: str, errors: dict | None = None):
        return api.create_response(request, {"detail": detail, "errors": errors or {}}, status=status)

    def invalid(request, errors: dict[str, list[str]]):
        return respond(request, 422, _detail(errors), errors)

    def fixed(status: int, detail: str):
        """A handler whose answer does not depend on the exception."""
        return lambda request, exc: respond(request, status, detail)

    api.add_exception_handler(ValidationError, lambda request, exc: invalid(request, _messages(exc)))
    api.add_exception_handler(SchemaError, lambda request, exc: invalid(request, _schema_errors(exc)))

    @api.exception_handler(PermissionDenied)
    def permission_denied(request, exc):
        return respond(request, 403, str(exc) or FORBIDDEN)

    # Never the exception text: it could tell "exists but not yours" from "missing".
    api.add_exception_handler(Http404, fixed(404, NOT_FOUND))
    api.add_exception_handler(IntegrityError, fixed(409, CONFLICT))
    # Defence in depth: schemas bound ids and numbers, but a value the database cannot hold
    # is still the client's mistake, not a server error.
    api.add_exception_handler(DataError, fixed(422, OUT_OF_RANGE))
    api.add_exception_handler(OverflowError, fixed(422, OUT_OF_RANGE))
    api.add_exception_handler(AuthenticationError, fixed(401, UNAUTHORIZED))

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        # ninja wraps an unparsable body in HttpError(400, "Cannot parse request body").
        if isinstance(exc.__cause__, UnstorableText):
            return respond(request, 422, exc.__cause__.message, {exc.__cause__.field: [exc.__cause__.message]})
        if isinstance(exc.__cause__, (json.JSONDecodeError, UnicodeDecodeError, ValueError)):
            return respond(request, 422, MALFORMED, {NON_FIELD_ERRORS: [MALFORMED]})
        return respond(request, exc.status_code, exc.message)


ERROR_DESCRIPTIONS = {"401": UNAUTHORIZED, "403": FORBIDDEN, "404": NOT_FOUND, "422": INVALID}


def document_common_errors(schema: dict) -> dict:
    """Add the errors any operation can give (401 without credentials, 422 for bad query
    parameters, 404 for an id or page out of reach, 403 for writes, for a password that must be
    changed first and for an enterprise user calling a staff operation) to operations that do
    not list them: list endpoints declare only their paginated 200."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("ErrorOut", ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}"))
    body = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            # ninja keys responses by int, JSON by string: merge them under one string key, or
            # the document repeats "401" inside one object and Swagger UI refuses it.
            responses = {str(code): answer for code, answer in operation.get("responses", {}).items()}
            operation["responses"] = responses
            for code in ("401", "403", "404", "422"):
                responses.setdefault(code, {"description": ERROR_DESCRIPTIONS[code], "content": body})
    return schema


def not_found(request, exception=None):
    """Django's 404 handler: a path under /api/ that matches no route (e.g. a non-numeric id)
    gets the API's JSON error, not the HTML page."""
    from django.http import JsonResponse
    from django.views.defaults import page_not_found

    if request.path.startswith("/api/"):
        return JsonResponse({"detail": NOT_FOUND, "errors": {}}, status=404,
                            json_dumps_params={"ensure_ascii": False})
    return page_not_found(request, exception)
