"""Write permissions: may this user change rows in this region or of this enterprise?

Reads are decided by `visible_to()`; these checks are what service functions ask
again before every write, whatever the caller (view, API, import, admin).
"""

from django.core.exceptions import PermissionDenied

from shanghui.core.roles import REGION_WRITERS, Role


def can_write_region(user, region) -> bool:
    if not user.is_authenticated or not user.is_active or region is None:
        return False
    if user.is_superuser:
        return True
    return user.role in REGION_WRITERS and bool(user.region_path) and region.path.startswith(user.region_path)


def can_edit_enterprise(user, enterprise) -> bool:
    if user.is_authenticated and user.role == Role.ENTERPRISE_USER:
        return user.is_active and enterprise.pk is not None and user.enterprise_id == enterprise.pk
    return can_write_region(user, enterprise.region)


def require_region(user, region) -> None:
    if not can_write_region(user, region):
        raise PermissionDenied(f"您无权修改“{region}”范围内的数据。" if region else "您无权进行此操作。")


def require_region_change(user, region, changes: dict) -> None:
    """Changing a row takes writing its `region`; moving it (a "region" in `changes`) takes writing the new one too."""
    require_region(user, region)
    if "region" in changes:
        require_region(user, changes["region"])


def require_enterprise(user, enterprise) -> None:
    if not can_edit_enterprise(user, enterprise):
        raise PermissionDenied(f"您无权修改企业“{enterprise}”的信息。")


def writes_some_region(user) -> bool:
    """May this user create rows anywhere (the "新增" buttons)? The same as `writable_regions(user).exists()`."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or (user.role in REGION_WRITERS and bool(user.region_path))


def require_visible(by, obj, label: str) -> None:
    """A row a service is handed (a foreign key from a form, API or import) must be one `by` may see."""
    if obj is not None and not type(obj).objects.visible_to(by).filter(pk=obj.pk).exists():
        raise PermissionDenied(f"{label}不在您的管辖范围内。")


def writable_among(user, regions):
    """Of `regions` (a region queryset), those the user may create rows in: can_write_region's rule
    as a filter (orgs.scope.writable_regions applies it to every region)."""
    if user.is_superuser:
        return regions.all()
    if user.role in REGION_WRITERS and user.region_path:
        return regions.filter(path__startswith=user.region_path)
    return regions.none()

