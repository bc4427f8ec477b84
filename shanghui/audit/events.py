from django.db import models

from shanghui.core import redact

from .context import source_address
from .labels import ACTION_LABELS  # noqa: F401  (re-exported: callers read labels from here)
from .models import AuditEvent

# Defence in depth: callers pass field names, never values, but a typed-in user name or a
# file name can still hold an ID or mobile number; core/redact.py masks it before storing.
scrub = redact.scrub


def record(
    *,
    by,
    action: str,
    obj: models.Model | None = None,
    fields: list[str] | None = None,
    extra: dict | None = None,
    success: bool = True,
    object_type: str = "",
) -> AuditEvent:
    """Append one audit event to the hash chain. Field names only, never values: no personal data."""
    actor = by if getattr(by, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=actor,
        actor_name=getattr(by, "username", "") or "",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else object_type,
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=scrub(str(obj))[:200] if obj is not None else "",
        fields=list(fields or []),
        extra=scrub(extra or {}),
        source_address=source_address.get(),
        success=success,
    )
