"""Writes of the reports app: the written sections (Narrative) of the annual work report."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from shanghui.audit import record
from shanghui.core.roles import REGION_ROLES
from shanghui.orgs.models import Region
from shanghui.orgs.scope import streets_in_scope

from .models import Narrative

MAX_TEXT = 20000


def can_produce(user, region: Region) -> bool:
    """Whoever may download the region's annual report may write its sections (annual_views.user_scope)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    if user.is_superuser:
        return True
    if user.role not in REGION_ROLES or user.region_id is None:
        return False
    return region.pk == user.region_id or streets_in_scope(user).filter(pk=region.pk).exists()


@transaction.atomic
def save_narratives(*, by, region: Region, year: int, texts: dict[str, str]) -> list[Narrative]:
    """Write the given sections of `region`'s `year` report; an empty text removes the section.

    Only changed sections are written and audited (create, update or delete, one event each).
    Returns the sections that changed.
    """
    if not can_produce(by, region):
        raise PermissionDenied("您不能编辑该区域的工作纪实。")
    if not 1949 <= year <= 2100:
        raise ValidationError({"year": "年度应为1949至2100之间的四位数字。"})
    unknown = set(texts) - set(Narrative.Section.values)
    if unknown:
        raise ValidationError(f"未知的部分：{'、'.join(sorted(unknown))}。")
    errors = {key: f"内容不能超过{MAX_TEXT:,}字。" for key, text in texts.items() if len(text) > MAX_TEXT}
    if errors:
        raise ValidationError(errors)
    existing = {n.section: n for n in Narrative.objects.select_for_update().filter(region=region, year=year)}
    changed = []
    for section, raw in texts.items():
        text = raw.replace("\r\n", "\n").strip()
        row = existing.get(section)
        extra = {"year": year, "region": region.code, "section": section}
        if not text:
            if row is not None:
                record(by=by, action="delete", obj=row, fields=["text"], extra=extra)
                row.delete()
                changed.append(row)
            continue
        if row is not None and row.text == text:
            continue
        action = "update" if row is not None else "create"
        row = row or Narrative(region=region, year=year, section=section)
        row.text, row.author = text, by
        row.save()
        record(by=by, action=action, obj=row, fields=["text"], extra=extra)
        changed.append(row)
    return changed
