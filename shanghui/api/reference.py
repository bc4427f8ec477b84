"""Reference data every signed-in user sees: the region tree and the departments.

Open to an enterprise user too: it names the region of his enterprise and the department handling his requests."""

from ninja import Field, Query, Router, Schema

from shanghui.orgs.models import Department, Region

from .auth import enterprise_operation
from .common import display, follow

router = Router(tags=["基础数据"])


class RegionOut(Schema):
    id: int
    code: str = Field(description="行政区划代码")
    name: str = Field(description="名称")
    level: str = Field(description="层级：city 市，district 区，street 街道")
    level_label: str = Field(description="层级名称")
    parent: str | None = Field(description="上级区划代码")
    parent_name: str | None = Field(description="上级区划名称")

    resolve_level_label = display("level")
    resolve_parent = follow("parent.code")
    resolve_parent_name = follow("parent.name")


class RegionFilter(Schema):
    q: str | None = Field(None, description="按名称、拼音首字母或代码前缀搜索")
    level: Region.Level | None = Field(None, description="层级")


class DepartmentOut(Schema):
    id: int
    code: str = Field(description="代码")
    name: str = Field(description="名称")


@router.get("/regions", response=list[RegionOut], summary="行政区划列表")
@enterprise_operation
def list_regions(request, filters: Query[RegionFilter]):
    # A few dozen rows per district: no pagination.
    qs = Region.objects.visible_to(request.auth_user).select_related("parent").search(filters.q)
    return qs.filter(level=filters.level) if filters.level else qs


@router.get("/departments", response=list[DepartmentOut], summary="职能部门列表")
@enterprise_operation
def list_departments(request):
    return Department.objects.visible_to(request.auth_user)
