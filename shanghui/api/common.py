"""What every resource module shares: scoped lookups, turning input ids and codes into
rows, partial (PATCH) schemas, and the bodies of the detail, create, update and delete
endpoints (Resource).

Relations in input and output are ids, except regions, which are given by their
administrative division code (e.g. "110101001" for 东华门街道): codes are the same
in every deployment and are what the register and the spreadsheets use.
"""

import dataclasses
from collections.abc import Callable
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Schema, Status
from ninja.pagination import PageNumberPagination, paginate
from pydantic import ConfigDict, create_model
from pydantic.fields import FieldInfo

from shanghui.orgs.models import Region

# The largest BigAutoField value. Past it the database overflows (a 500) instead of finding nothing.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID, description="编号")]


class Pagination(PageNumberPagination):
    class Input(Schema):
        # Bounded, so a huge page number cannot overflow the OFFSET.
        page: int = Field(1, ge=1, le=1_000_000, description="页码，从 1 开始")
        page_size: int | None = Field(None, ge=1, le=100, description=f"每页条数，默认 {settings.PAGE_SIZE}，最多 100")


def paginated(view):
    """`?page=` and `?page_size=`; answers {"items": [...], "count": N}."""
    return paginate(Pagination, page_size=settings.PAGE_SIZE, max_page_size=100)(view)


def page_of(queryset, pages: Pagination.Input):
    """The rows of the page asked for, cut as @paginated cuts them: for a view that works its rows
    out from the page alone and answers {"items": [...], "count": N} itself."""
    size = min(pages.page_size or settings.PAGE_SIZE, 100)
    return queryset[(pages.page - 1) * size:pages.page * size]


class InSchema(Schema):
    # A misspelt field must be an error, not silently ignored.
    model_config = ConfigDict(extra="forbid")


def partial(schema: type[InSchema], name: str) -> type[InSchema]:
    """The PATCH form of an input schema: every field optional; only the fields sent change.

    A field that may not be empty in the model cannot be sent as null either.
    """
    fields: dict[str, Any] = {}
    not_null = set()
    for field_name, info in schema.model_fields.items():
        if not _allows_none(info.annotation):
            not_null.add(field_name)
        # merge_field_infos keeps the constraints (ge, le, ...) and the description.
        fields[field_name] = (info.annotation | None, FieldInfo.merge_field_infos(info, default=None))
    model = create_model(name, __base__=InSchema, **fields)
    model.not_null = frozenset(not_null)
    return model


def _allows_none(annotation) -> bool:
    return type(None) in getattr(annotation, "__args__", ())


def patch_data(payload) -> dict:
    data = payload.dict(exclude_unset=True)
    nulls = {name: ["此项不能为空。"] for name, value in data.items() if value is None and name in payload.not_null}
    if nulls:
        raise ValidationError(nulls)
    return data


def visible_or_404(model, user, pk: int):
    # "Not yours" and "does not exist" are the same 404.
    if not 0 < pk <= MAX_ID:
        raise Http404
    return get_object_or_404(model.objects.visible_to(user), pk=pk)


def region_by_code(code: str, field: str = "region") -> Region:
    region = Region.objects.filter(code=str(code).strip()).first()
    if region is None:
        raise ValidationError({field: [f"行政区划代码“{code}”不存在。"]})
    return region


def resolve(user, data: dict, refs: dict[str, tuple]) -> dict:
    """Replace ids (and region codes) in `data` by the rows they name, all errors at once.

    refs maps a field to (Model, "中文名称"), or to Region for a division code. A row the user
    cannot see is reported as not existing, so input cannot probe outside the user's scope.
    """
    errors: dict[str, list[str]] = {}
    for field, (model, label) in refs.items():
        value = data.get(field)
        if value is None:
            continue
        if model is Region:
            try:
                data[field] = region_by_code(value, field)
            except ValidationError as e:
                errors.update(e.message_dict)
            continue
        row = model.objects.visible_to(user).filter(pk=value).first()
        if row is None:
            errors[field] = [f"编号为{value}的{label}不存在，或不在您的管辖范围内。"]
        data[field] = row
    if errors:
        raise ValidationError(errors)
    return data


def region_filter(qs, code: str | None, path: str = "region"):
    """Rows whose region lies in the subtree of the region with this code."""
    if not code:
        return qs
    return qs.filter(**{f"{path}__path__startswith": region_by_code(code).path})


def filtered(qs: QuerySet, filters: Schema, **lookups: str) -> QuerySet:
    """`qs` narrowed by each named filter that was given; `lookups` maps a filter to the field
    lookup it sets, e.g. filtered(qs, filters, enterprise="person__enterprise_id")."""
    for name, lookup in lookups.items():
        value = getattr(filters, name)
        if value is not None:
            qs = qs.filter(**{lookup: value})
    return qs


@dataclasses.dataclass(frozen=True)
class Resource:
    """The bodies of one model's detail, create, update and delete endpoints.

    The row an endpoint names is looked up in what the user may see (404 otherwise), the ids in
    the payload become rows the user may see (`refs`, see resolve), and the app's service does
    the rest, rules and audit event included. The services take the row by a keyword of their
    own (`enterprise=`, `entry=`): that is `name`.
    """

    model: type[Model]
    name: str
    refs: dict[str, tuple] = dataclasses.field(default_factory=dict)
    # Choice fields the model keeps as "" rather than NULL when not given: null in, "" stored.
    blank: tuple[str, ...] = ()
    # (user, data) → data: the resource's own conversions, after the ids are resolved.
    clean: Callable[[Any, dict], dict] | None = None

    def get(self, request, pk: int):
        return visible_or_404(self.model, request.auth_user, pk)

    def create(self, request, payload: InSchema, service: Callable, **extra) -> Status:
        """201 with the service's new row; `extra` goes to the service over the payload's fields."""
        data = self._data(request.auth_user, payload.dict())
        return Status(201, service(by=request.auth_user, **{**data, **extra}))

    def update(self, request, pk: int, payload: InSchema, service: Callable):
        """Only the fields sent change (patch_data); answers the updated row."""
        row = self.get(request, pk)
        data = self._data(request.auth_user, patch_data(payload))
        return service(by=request.auth_user, **{self.name: row}, **data)

    def delete(self, request, pk: int, service: Callable) -> Status:
        service(by=request.auth_user, **{self.name: self.get(request, pk)})
        return Status(204, None)

    def related(self, request, pk: int, model: type[Model], path: str) -> QuerySet:
        """The visible rows of `model` that belong (by `path`) to this resource's row `pk`."""
        row = self.get(request, pk)
        return model.objects.visible_to(request.auth_user).filter(**{path: row})

    def _data(self, user, data: dict) -> dict:
        data = resolve(user, data, self.refs)
        for name in self.blank:
            if name in data and data[name] is None:
                data[name] = ""
        return self.clean(user, data) if self.clean else data


def follow(path: str) -> staticmethod:
    """An output schema's resolver that reads `path` ("assignment.enterprise.name") from the row;
    None where a relation on the way is empty."""
    names = path.split(".")

    def resolver(obj):
        for name in names:
            if obj is None:
                return None
            obj = getattr(obj, name)
        return obj

    return staticmethod(resolver)


def display(field: str) -> staticmethod:
    """An output schema's resolver for the label of a choice field (`get_<field>_display`)."""
    return staticmethod(lambda obj: getattr(obj, f"get_{field}_display")())


class RegionRef(Schema):
    """Mixin for output schemas with a `region` relation: its code and name."""

    region: str = Field(description="行政区划代码")
    region_name: str = Field(description="行政区划名称")

    resolve_region = follow("region.code")
    resolve_region_name = follow("region.name")


class EnterpriseRow(Schema):
    """An enterprise in a KPI list: who it is and its street's code."""

    id: int
    name: str
    uscc: str
    region: str

    resolve_region = follow("region.code")
