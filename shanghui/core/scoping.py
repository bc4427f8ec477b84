"""The one place that decides which rows a user may see (docs/design.md §4).

Every scoped model's manager is built from `ScopedQuerySet`; the model's
QuerySet subclass names the lookup paths from the row to its region (and, for
rows an enterprise user may see, to its enterprise). `visible_to(user)` is then
the start of every list, detail, export, count, autocomplete, API and admin read.
"""

from django.db import models
from django.db.models import Q

from shanghui.core.roles import Role


class ScopedQuerySet(models.QuerySet):
    # Lookup paths from this model to orgs.Region; a row is visible when any of them
    # lies inside the user's region subtree.
    region_paths: tuple[str, ...] = ("region",)
    # Lookup paths to directory.Enterprise's primary key; an enterprise user sees a
    # row when any of them is his enterprise. Empty: enterprise users see nothing.
    enterprise_paths: tuple[str, ...] = ()

    def visible_to(self, user) -> "ScopedQuerySet":
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()

        if user.role == Role.ENTERPRISE_USER:
            if not user.enterprise_id or not self.enterprise_paths:
                return self.none()
            cond = Q()
            for path in self.enterprise_paths:
                cond |= Q(**{path: user.enterprise_id})
            return self.filter(cond)
        if user.role == Role.AUDITOR or user.region_id is None:
            return self.none()
        region_path = user.region_path
        cond = Q()
        for path in self.region_paths:
            cond |= Q(**{f"{path}__path__startswith": region_path})
        return self.filter(cond)

    def in_scope(self, scope) -> "ScopedQuerySet":
        """The rows a figure counts for `scope`: a Region (every row under it) or a user (what he may see).

        Dashboards and reports take either: a Region for the published, district-wide figures, a user
        for "my" figures. This is the one place that tells the two apart.
        """
        if scope is None or hasattr(scope, "is_authenticated"):
            return self.visible_to(scope)
        cond = Q()
        for path in self.region_paths:
            cond |= Q(**{f"{path}__path__startswith": scope.path})
        return self.filter(cond)
