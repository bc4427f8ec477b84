"""Password policy: complexity, history, expiry (GB/T 22239-2019 8.1.4.1 身份鉴别).

The two validators plug into Django's AUTH_PASSWORD_VALIDATORS, so every way of
setting a password (change page, admin, user management, `changepassword`) runs them.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from shanghui.core import config

CLASSES = (
    ("小写字母", str.islower),
    ("大写字母", str.isupper),
    ("数字", str.isdigit),
    ("符号", lambda c: not c.isalnum()),
)


class ComplexityValidator:
    """At least `min_length` characters from at least `min_classes` of: lower, upper, digits, symbols."""

    def __init__(self, min_length: int = 8, min_classes: int = 3):
        self.min_length = min_length
        self.min_classes = min_classes

    def validate(self, password, user=None):
        used = sum(1 for _, test in CLASSES if any(test(c) for c in password))
        if len(password) < self.min_length or used < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return (f"密码至少 {self.min_length} 位，且须包含大写字母、小写字母、数字、符号中的至少 "
                f"{self.min_classes} 类。")


class HistoryValidator:
    """No reuse of the current password or the last `keep` ones; keeps the history up to date."""

    def __init__(self, keep: int | None = None):
        self.keep = keep or settings.SHANGHUI_PASSWORD_HISTORY

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        hashes = [user.password, *user.password_history.values_list("password", flat=True)[: self.keep]]
        if any(h and check_password(password, h) for h in hashes):
            raise ValidationError(self.get_help_text(), code="password_reused")

    def password_changed(self, password, user=None):
        # Called by Django after the user row with the new hash is saved.
        if user is None or user.pk is None:
            return
        from .models import PasswordHistory

        PasswordHistory.objects.create(user=user, password=user.password)
        stale = user.password_history.values_list("pk", flat=True)[self.keep:]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()

    def get_help_text(self):
        return f"新密码不能与最近 {self.keep} 次使用过的密码相同。"


def password_expired(user) -> bool:
    # 系统设置 or SHANGHUI_PASSWORD_MAX_AGE_DAYS (core/config.py); 0: never.
    days = int(config.get("password_max_age_days") or 0)
    if not days or not user.has_usable_password():
        return False
    changed = user.password_changed_at or user.date_joined
    return timezone.now() - changed > dt.timedelta(days=days)


MUST_CHANGE = "您正在使用初始密码或管理员重置的密码，请先修改密码。"
EXPIRED = "您的密码已超过有效期，请先修改密码。"


def password_change_due(user) -> str:
    """Why this user must change the password before doing anything else ('' when not).

    One rule for every entry: the pages (PasswordPolicyMiddleware) and the API, by session or token.
    """
    if user.must_change_password:
        return MUST_CHANGE
    if password_expired(user):
        return EXPIRED
    return ""


def generate_password(length: int = 12) -> str:
    """A random initial password that satisfies the policy (shown once to the administrator)."""
    # Without look-alikes (0/O, 1/l/I), since it is read off a screen and typed in.
    lower, upper, digits, symbols = "abcdefghjkmnpqrstuvwxyz", "ABCDEFGHJKLMNPQRSTUVWXYZ", "23456789", "@#%+=!"
    alphabet = lower + upper + digits + symbols
    while True:
        pw = "".join(secrets.choice(alphabet) for _ in range(length))
        if all(any(c in group for c in pw) for group in (lower, upper, digits, symbols)):
            return pw

