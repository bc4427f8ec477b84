"""The one place that decides which rows a user may see (docs/design.md §4).

Every scoped model's manager is built from `ScopedQuerySet`; the model's
QuerySet subclass names the lookup paths from the row to its region (and, for
rows an enterprise user may see, to its enterprise). `visible_to(user)` is then
the start of every list, detail, export, count, autocomplete, API and admin read.
A subclass declares paths; the few with a rule of their own (a department
handler's own requests, public documents) narrow or widen `visibility(user)`.
"""

from django.db import models
from django.db.models import Q

from shanghui.core.roles import Role


def signed_in(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def ancestor_paths(path: str) -> list[str]:
    """'/110000/110101/110101001/' → ['/110000/', '/110000/110101/', '/110000/110101/110101001/']."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


def _any(paths, lookup: str, value) -> Q:
    # A path of "" is the row itself (a Region's own path).
    cond = Q()
    for path in paths:
        cond |= Q(**{"__".join(part for part in (path, lookup) if part): value})
    return cond


class ScopedQuerySet(models.QuerySet):
    # Lookup paths from this model to orgs.Region; a row is visible when any of them
    # lies inside the user's region subtree.
    region_paths: tuple[str, ...] = ("region",)
    # Lookup paths to directory.Enterprise's primary key; an enterprise user sees a
    # row when any of them is his enterprise. Empty: enterprise users see nothing.
    enterprise_paths: tuple[str, ...] = ()
    # Lookup paths to a Region whose rows are shared down its subtree: a district's
    # campaign or the federation's own honour is seen by every street user below it.
    shared_down_paths: tuple[str, ...] = ()

    def visible_to(self, user) -> "ScopedQuerySet":
        if not signed_in(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        cond = self.visibility(user)
        return self.none() if cond is None else self.filter(cond)

    def visibility(self, user) -> Q | None:
        """The condition on the rows a signed-in non-superuser sees; None when he sees none."""
        if user.role == Role.ENTERPRISE_USER:
            if not user.enterprise_id or not self.enterprise_paths:
                return None
            return _any(self.enterprise_paths, "", user.enterprise_id)
        if user.role == Role.AUDITOR or not user.region_path:
            return None
        return (_any(self.region_paths, "path__startswith", user.region_path)
                | _any(self.shared_down_paths, "path__in", ancestor_paths(user.region_path)))

    def in_scope(self, scope) -> "ScopedQuerySet":
        """The rows a figure counts for `scope`: a Region (every row under it) or a user (what he may see).

        Dashboards and reports take either: a Region for the published, district-wide figures, a user
        for "my" figures. This is the one place that tells the two apart.
        """
        if scope is None or hasattr(scope, "is_authenticated"):
            return self.visible_to(scope)
        return self.filter(_any(self.region_paths, "path__startswith", scope.path))


class ReferenceQuerySet(ScopedQuerySet):
    """Reference data (the region tree, departments, request categories, holidays): every
    signed-in user sees all of it, since forms and filters name it, but nothing outside a login."""

    region_paths = ()

    def visibility(self, user) -> Q:
        return Q()


class PrivateQuerySet(models.QuerySet):
    """Rows that belong to one user (his notifications, API tokens, uploads): he alone sees them."""

    owner_path = "user"
    # An upload may need a superuser's look; a notification or a token never does.
    superuser_sees_all = False

    def visible_to(self, user) -> "PrivateQuerySet":
        if not signed_in(user):
            return self.none()
        if user.is_superuser and self.superuser_sees_all:
            return self.all()
        return self.filter(**{self.owner_path: user})
