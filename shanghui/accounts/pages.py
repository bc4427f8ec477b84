"""Staff pages: every web page is for staff except the few an enterprise user needs (docs/design.md §4).

An enterprise user has his own enterprise, its people, memberships and honours, his service requests,
the library's public documents, the notices sent to him, his account pages, the QR sign-in, the home page,
the activity calendar (the activities open to his enterprise) and his answers to invitations. Every other page
(dashboards, KPI drill-downs, statistics, registers of the district, exports, imports, the audit log,
user management) answers him 403. The rule is deny-by-default, in StaffPagesMiddleware
(accounts/middleware.py): a view is open to him only when it is marked `enterprise_page`, so a new
staff page cannot be forgotten. Scoping (`visible_to`) still decides which rows a marked page shows.
"""

from shanghui.core.roles import Role

STAFF_ONLY_MESSAGE = "该页面仅对工作人员开放。"


def enterprise_page(view):
    """Mark a view as one an enterprise user may open (its own checks still apply)."""
    view.enterprise_page = True
    return view


def is_enterprise_user(user) -> bool:
    return user.is_authenticated and user.role == Role.ENTERPRISE_USER


def staff_only(user, view) -> bool:
    """Whether `user` is refused `view` as a staff page."""
    return is_enterprise_user(user) and not getattr(view, "enterprise_page", False)
