"""Who may see personal numbers in plain text: the one table of unmask grants and the daily limit.

A grant names a role and the kinds of number it may unmask. The federation admin may unmask
both kinds; a street chamber worker the mobiles of persons in her street (she phones enterprise
heads), never ID numbers. The technical superuser has no grant whatever his role says:
separation of duties keeps the system administrator away from personal data.

Which persons a grant reaches is the user's scope (`Person.objects.visible_to`), checked by the
directory's unmask service. A plaintext bulk export needs the ID-number grant (the widest one)
and a grant for every kind of number the file carries.

A deployment may replace the table with the setting SHANGHUI_UNMASK_GRANTS
({"federation_admin": ["id_number", "mobile"], …}); SHANGHUI_UNMASK_DAILY_LIMIT caps the
successful unmaskings per user per calendar day.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from shanghui.audit import record
from shanghui.audit.models import AuditEvent
from shanghui.core.roles import Role

ID_NUMBER = "id_number"
MOBILE = "mobile"
KINDS = {ID_NUMBER: "身份证号码", MOBILE: "手机号码"}

DEFAULT_GRANTS: dict[str, frozenset[str]] = {
    Role.FEDERATION_ADMIN: frozenset({ID_NUMBER, MOBILE}),
    Role.STREET_WORKER: frozenset({MOBILE}),
}
# Grants that hold only for a user whose scope is one street: a street worker given a wider
# region by mistake does not thereby reach the mobiles of the whole district.
STREET_ONLY = frozenset({Role.STREET_WORKER})
DEFAULT_DAILY_LIMIT = 50

# The audit actions of this control; refused attempts are events too (success=False).
UNMASK_ACTION = "unmask"
PLAIN_EXPORT_ACTION = "export_plain"


def grants() -> dict[str, frozenset[str]]:
    table = getattr(settings, "SHANGHUI_UNMASK_GRANTS", None)
    if table is None:
        table = DEFAULT_GRANTS
    return {str(role): frozenset(kinds) & KINDS.keys() for role, kinds in table.items()}


def unmask_kinds(user) -> frozenset[str]:
    """The kinds of number `user` may see in plain text (inside his scope)."""
    if user is None or not user.is_authenticated or not user.is_active or user.is_superuser:
        return frozenset()
    if user.role in STREET_ONLY and (user.region is None or user.region.level != "street"):
        return frozenset()
    return grants().get(user.role, frozenset())


def may_unmask(user, kind: str) -> bool:
    return kind in unmask_kinds(user)


def may_export_plain(user, kinds=()) -> bool:
    """A plaintext bulk file: the ID-number grant plus a grant for each kind the file carries."""
    granted = unmask_kinds(user)
    return ID_NUMBER in granted and set(kinds) <= granted


def daily_limit() -> int:
    return int(getattr(settings, "SHANGHUI_UNMASK_DAILY_LIMIT", DEFAULT_DAILY_LIMIT))


def used_today(user) -> int:
    """Successful unmaskings by `user` since local midnight, counted from the audit log itself."""
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return AuditEvent.objects.filter(actor=user, action=UNMASK_ACTION, success=True, at__gte=midnight).count()


def record_within_limit(*, by, obj, fields) -> bool:
    """Record a successful unmasking by `by` unless he has reached today's limit; False if he has.

    Counting and recording are one step: the transaction first takes the write lock (SQLite
    opens every transaction with BEGIN IMMEDIATE; on PostgreSQL the user's row is locked), so
    two requests at the limit cannot both count the same total and both pass."""
    with transaction.atomic():
        list(get_user_model().objects.select_for_update().filter(pk=by.pk).values_list("pk", flat=True))
        if used_today(by) >= daily_limit():
            return False
        record(by=by, action=UNMASK_ACTION, obj=obj, fields=fields)
        return True


def refuse(*, by, message: str, why: str, action: str = UNMASK_ACTION, obj=None, object_type: str = "",
           extra: dict | None = None, exception: type[Exception] = PermissionDenied):
    """Record a refused attempt as an audit event, then raise. Callers must not run inside a
    transaction that the exception would roll back, or the event would go with it."""
    record(by=by, action=action, obj=obj, object_type=object_type, success=False,
           extra={"refused": why, **(extra or {})})
    raise exception(message)
