import pytest

from shanghui.core.roles import Role
from shanghui.orgs.models import Department
from shanghui.servicedesk import services
from shanghui.servicedesk.seed import load_categories
from shanghui.testing import _user


class Desk:
    """The cast plus what the service desk needs: categories, a handler of another department in
    street A, a user of enterprise B, and a way to put a request of enterprise A into any state."""

    def __init__(self, cast):
        self.cast = cast
        self.categories = {c.name: c for c in load_categories()}
        self.category = self.categories["证照审批"]  # default department: market (handler_a's)
        self.justice = Department.objects.get(code="justice")
        self.handler_other = _user("handler_justice", Role.DEPARTMENT_HANDLER, region=cast.street_a,
                                   department=self.justice)
        self.enterprise_user_b = _user("enterprise_b", Role.ENTERPRISE_USER, enterprise=cast.enterprise_b)

    def user(self, who):
        return getattr(self, who, None) or getattr(self.cast, who)

    def file(self, enterprise_user=None, title="营业执照变更咨询", **kwargs):
        by = enterprise_user or self.cast.enterprise_user_a
        return services.request_file(by=by, enterprise=by.enterprise, category=kwargs.pop("category", self.category),
                                     title=title, description="公司迁址后营业执照地址如何变更？", **kwargs)

    def in_state(self, state: str):
        """A request of enterprise A in `state` ("closed": confirmed unrated; "rated": closed with a rating)."""
        c = self.cast
        req = self.file()
        if state == "submitted":
            return req
        if state == "rejected":
            return services.request_reject(by=c.worker_a, service_request=req, reason="不属于受理范围")
        services.request_accept(by=c.worker_a, service_request=req)
        if state == "accepted":
            return req
        services.request_assign(by=c.worker_a, service_request=req, department=c.market, handler=c.handler_a)
        if state == "assigned":
            return req
        services.request_resolve(by=c.handler_a, service_request=req, resolution="已指导企业办理变更登记。")
        if state == "resolved":
            return req
        if state == "closed":
            return services.request_close(by=c.enterprise_user_a, service_request=req)
        if state == "rated":
            return services.request_rate(by=c.enterprise_user_a, service_request=req, satisfaction=5, comment="很满意")
        if state == "reopened":
            return services.request_reopen(by=c.enterprise_user_a, service_request=req, reason="问题没有解决")
        raise ValueError(state)


@pytest.fixture
def desk(cast):
    return Desk(cast)
