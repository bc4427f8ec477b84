"""Encryption of personal data at rest.

ID and mobile numbers are stored as Fernet tokens (AES-128-CBC + HMAC) and,
beside them, a keyed HMAC-SHA256 digest for exact lookup and uniqueness. The
key lives outside the database: SHANGHUI_FIELD_KEY, or the key file at
SHANGHUI_FIELD_KEY_FILE (created on first use in development, but never while the database
holds encrypted data: a new key could not read it; keycheck.py).

Key rotation: put the new key first and the old ones after it, separated by
commas, in SHANGHUI_FIELD_KEY; `MultiFernet` decrypts with any of them and
`shanghui rotate-keys` re-encrypts. The digest key is derived from the first key, so
rotating also re-digests; until it has run, stored digests may be under any configured key,
so uniqueness checks and lookups compare `digests()`, the digests under every key.
"""

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.db import models


@cache
def _keys() -> list[bytes]:
    raw = settings.SHANGHUI_FIELD_KEY
    if not raw:
        path = settings.SHANGHUI_FIELD_KEY_FILE
        if not path.exists():
            from django.core.exceptions import ImproperlyConfigured

            from .files import private_dir, write_private
            from .keycheck import MISSING, encrypted_data_exists

            if encrypted_data_exists():
                raise ImproperlyConfigured(MISSING.format(path=path))
            private_dir(path.parent)
            write_private(path, Fernet.generate_key())
        raw = path.read_text().strip()
    return [k.strip().encode() for k in raw.split(",") if k.strip()]


@cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(k) for k in _keys()])


def _derive_digest_key(key: bytes) -> bytes:
    return hashlib.sha256(b"shanghui-digest:" + base64.urlsafe_b64decode(key)).digest()


@cache
def _digest_key() -> bytes:
    return _derive_digest_key(_keys()[0])


@cache
def _digest_keys() -> tuple[bytes, ...]:
    return tuple(_derive_digest_key(k) for k in _keys())


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode() if token else ""


def digest(value: str) -> str:
    """Keyed digest for equality lookups; without the key it reveals nothing (no rainbow tables)."""
    return hmac.new(_digest_key(), value.encode(), hashlib.sha256).hexdigest() if value else ""


def digests(value: str) -> list[str]:
    """The digest of `value` under every configured key, the current one first (a key rotation window)."""
    if not value:
        return []
    return list(dict.fromkeys(hmac.new(k, value.encode(), hashlib.sha256).hexdigest() for k in _digest_keys()))


def clear_caches() -> None:
    """Forget the keys read so far (after the settings changed)."""
    for cached in (_keys, _fernet, _digest_key, _digest_keys):
        cached.cache_clear()


class CipherField(models.TextField):
    """A column holding `encrypt()`ed text; a sibling `<name>_digest` column, where the model has one,
    holds the `digest()` of the same plaintext. `shanghui rotate-keys` finds the columns by this class."""

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        # Stored as a plain text column: the class marks the column for rotation, the schema is the same.
        return name, "django.db.models.TextField", args, kwargs
