"""What every resource module shares: scoped lookups, turning input ids and codes into
rows, and partial (PATCH) schemas.

Relations in input and output are ids, except regions, which are given by their
administrative division code (e.g. "110101001" for 东华门街道): codes are the same
in every deployment and are what the register and the spreadsheets use.
"""

from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Schema
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


class RegionRef(Schema):
    """Mixin for output schemas with a `region` relation: its code and name."""

    region: str = Field(description="行政区划代码")
    region_name: str = Field(description="行政区划名称")

    @staticmethod
    def resolve_region(obj) -> str:
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj) -> str:
        return obj.region.name
