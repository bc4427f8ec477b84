"""The site-state row (models.SiteState): the cache epoch and the key check value."""

from django.db import transaction

from .faults import best_effort
from .models import SiteState, new_epoch

STATE_ID = 1


def get() -> SiteState | None:
    return SiteState.objects.filter(pk=STATE_ID).first()


def epoch() -> str | None:
    """The current cache epoch; None when there is none and none can be written (caching then stops)."""
    value = SiteState.objects.filter(pk=STATE_ID).values_list("epoch", flat=True).first()
    if value is None:
        row = best_effort(lambda: SiteState.objects.get_or_create(pk=STATE_ID)[0])
        value = row.epoch if row is not None else None
    return value


def renew_epoch() -> str | None:
    """A new epoch: everything cached under the old one is unreachable from now on.
    None for a database from before the table existed (nothing there is cached under an epoch)."""
    from django.db import connection

    if SiteState._meta.db_table not in connection.introspection.table_names():
        return None
    value = new_epoch()
    with transaction.atomic():
        if not SiteState.objects.filter(pk=STATE_ID).update(epoch=value):
            SiteState.objects.create(pk=STATE_ID, epoch=value)
    return value


def set_key_check(token: str) -> None:
    with transaction.atomic():
        if not SiteState.objects.filter(pk=STATE_ID).update(key_check=token):
            SiteState.objects.create(pk=STATE_ID, key_check=token)

