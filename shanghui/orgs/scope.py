"""The regions a user may create rows in (form choices, import lookups, "may create" checks), and
the streets his lists and figures may be narrowed to."""

from django.core.exceptions import PermissionDenied, ValidationError

from shanghui.accounts.scope import writable_among
from shanghui.core.roles import Role

from .models import Region


def writable_regions(user):
    return writable_among(user, Region.objects.all())


def streets_in_scope(user):
    """The streets a user's lists can be filtered by: those of his region (all, for a superuser)."""
    streets = Region.objects.visible_to(user).streets()
    if user.is_superuser:
        return streets
    return streets.filter(path__startswith=user.region_path) if user.region_path else streets.none()


def require_street(user, street: Region) -> Region:
    """`street`, when the user's figures may be narrowed to it; a message on the street field otherwise."""
    if not streets_in_scope(user).filter(pk=street.pk).exists():
        raise ValidationError({"street": [f"街道“{street}”不在您的管辖范围内。"]})
    return street


def can_manage_orgs(user, region=None) -> bool:
    """May this user change the organisation tree (regions, chambers' stationing and staff,
    departments)? The federation admin inside his region, and the superuser; everyone else reads."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if user.role != Role.FEDERATION_ADMIN or not user.region_path:
        return False
    return region is None or region.path.startswith(user.region_path)


def require_org_admin(user, region=None) -> None:
    if not can_manage_orgs(user, region):
        raise PermissionDenied(f"只有工商联管理员可以修改“{region}”的组织机构。" if region is not None
                               else "只有工商联管理员可以修改组织机构。")
