"""The regions a user may create rows in (form choices, import lookups, "may create" checks), and
the streets his lists and figures may be narrowed to."""

from django.core.exceptions import ValidationError

from shanghui.accounts.scope import writable_among

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
