"""The regions a user may create rows in, for form choices, import lookups and "may create" checks."""

from shanghui.accounts.scope import writable_among

from .models import Region


def writable_regions(user):
    return writable_among(user, Region.objects.all())
