"""Facts about this database that must travel with its data (one row, id 1)."""

import secrets

from django.conf import settings
from django.db import models


def new_epoch() -> str:
    return secrets.token_hex(16)


class SiteState(models.Model):
    """Row 1 only.

    - `epoch`: a random token that every cache key derived from the data carries. A restore
      writes a new one, so figures cached before it can never be read back, even when the
      restored data's own version counters repeat numbers used before.
    - `key_check`: a known text encrypted under the personal-data key; at start the configured
      keys must decrypt it (core/keycheck.py), so a wrong key cannot start the site.
    """

    epoch = models.CharField(max_length=32, default=new_epoch)
    key_check = models.TextField(blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "系统状态"

    def __str__(self) -> str:
        return self.epoch


class Setting(models.Model):
    """A value saved on the 系统设置 page (core/config.py declares the keys and reads them).

    No row: the deployment's Django setting / environment variable, else the declared default.
    Written only by `core.config.setting_update`, which validates and audits.
    """

    key = models.CharField("设置项", max_length=60, unique=True)
    value = models.JSONField("值", null=True, blank=True)
    updated = models.DateTimeField("修改时间", auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="修改人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "系统设置"

    def __str__(self) -> str:
        from .config import ITEMS

        item = ITEMS.get(self.key)
        return item.label if item else self.key
