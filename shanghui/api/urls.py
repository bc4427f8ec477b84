"""The REST API, mounted at /api/v1/ by shanghui/urls.py. One router per resource."""

import functools

from django.utils import translation
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from . import chambers, enterprises, errors, memberships, persons, reference
from .activities import router as activities_router
from .activities_kpis import router as activities_kpis_router
from .auth import note_operation, session_auth, token_auth
from .community import router as community_router
from .honors import router as honors_router
from .library import router as library_router
from .parser import StrictJSONParser
from .party_dues import router as party_dues_router
from .party_kpis import router as party_kpis_router
from .party_orgs import router as party_orgs_router
from .party_recruitment import router as party_recruitment_router
from .party_work import router as party_work_router
from .reports import router as reports_router
from .servicedesk import router as servicedesk_router

DESCRIPTION = """
区工商联商会工作平台的 REST 接口。

- 认证：请求头 `Authorization: Bearer <令牌>`（用 `manage.py issue_token 用户名` 签发），
  或浏览器中已登录的会话（写操作需带 CSRF 令牌）。
- 范围：每个接口只返回、只修改当前用户管辖范围内的数据；范围外的记录与不存在的记录一样返回 404。
  企业用户只能调用本企业、人员、会员关系、诉求、活动（只读）、荣誉、文件资料和基础数据的接口，
  其余接口（统计、看板、名录、出席记录等）返回 403“该接口仅对工作人员开放。”。
- 关联：以编号（id）表示，行政区划以区划代码表示（如 110101001 东华门街道）；输出另附名称字段。
- 个人信息：身份证号码和手机号码只以脱敏形式返回；获授权的用户可调用 `POST /persons/{id}/unmask` 查看其有权查看的明文（记入审计日志，每天限次）。
- 路径：一律不以斜杠结尾（如 `/api/v1/enterprises`）；末尾多一个斜杠时由同一接口应答。
- 查询参数：只接受文档列出的参数；拼错或不支持的参数返回 422 并指出参数名，不会被悄悄忽略。
- 错误：统一为 `{"detail": "中文说明", "errors": {"字段": ["中文说明"]}}`；
  401 未认证，403 无权操作，404 不存在或无权查看，409 与已有数据冲突，422 数据有误。
"""


class ChineseJSONRenderer(JSONRenderer):
    # UTF-8 text rather than \uXXXX escapes: readable in logs, curl and the browser.
    json_dumps_params = {"ensure_ascii": False}


class ShanghuiAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        return errors.document_common_errors(super().get_openapi_schema(*args, **kwargs))


api = ShanghuiAPI(
    title="shanghui API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=[token_auth, session_auth],
    renderer=ChineseJSONRenderer(),
    parser=StrictJSONParser(),
)
errors.install(api)


def _chinese(view):
    # Messages from Django's validators are translated; the API answers in Chinese
    # whatever Accept-Language the client sends.
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        with translation.override("zh-hans"):
            return view(*args, **kwargs)

    return wrapper


api.add_decorator(_chinese, mode="view")
# Before authentication runs: which operation is called, so an enterprise user is refused staff ones (auth.py).
api.add_decorator(note_operation, mode="view")

api.add_router("/chambers", chambers.router)
api.add_router("/enterprises", enterprises.router)
api.add_router("/persons", persons.router)
api.add_router("/memberships", memberships.router)
api.add_router("/party", party_orgs_router)
api.add_router("/party", party_work_router)
api.add_router("/party", party_kpis_router)
api.add_router("/party/recruitment", party_recruitment_router)
api.add_router("/party", party_dues_router)
api.add_router("/", activities_router)
api.add_router("/activities", activities_kpis_router)
api.add_router("/", servicedesk_router)
api.add_router("/", reference.router)
api.add_router("/", honors_router)
api.add_router("/reports", reports_router)
api.add_router("/community", community_router)
api.add_router("/library", library_router)
