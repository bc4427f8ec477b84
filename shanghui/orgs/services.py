"""Writes to the organisation tree. Each checks scope, validates, saves and audits."""

from django.core.exceptions import ValidationError
from django.db import transaction

from shanghui.accounts.scope import require_region, require_region_change
from shanghui.core import services as base

from .models import Chamber, Region


@transaction.atomic
def chamber_create(*, by, name: str, kind: str, region: Region, **fields) -> Chamber:
    require_region(by, region)
    return base.save_new(by=by, obj=Chamber(name=name, kind=kind, region=region, **fields))


@transaction.atomic
def chamber_update(*, by, chamber: Chamber, **changes) -> Chamber:
    require_region_change(by, chamber.region, changes)
    base.save_changes(by=by, obj=chamber, changes=changes)
    return chamber


@transaction.atomic
def chamber_delete(*, by, chamber: Chamber) -> None:
    require_region(by, chamber.region)
    if chamber.memberships.exists():
        raise ValidationError(f"“{chamber}”还有会员记录，不能删除；如已撤销请将其设为无效。")
    base.delete(by=by, obj=chamber)

