"""Encryption of personal data at rest.

ID and mobile numbers are stored as Fernet tokens (AES-128-CBC + HMAC) and,
beside them, a keyed HMAC-SHA256 digest for exact lookup and uniqueness. The
key lives outside the database: SHANGHUI_FIELD_KEY, or the key file at
SHANGHUI_FIELD_KEY_FILE (created on first use in development).

Key rotation: put the new key first and the old ones after it, separated by
commas, in SHANGHUI_FIELD_KEY; `MultiFernet` decrypts with any of them and
`shanghui rotate-keys` (a later issue) re-encrypts. The digest key is derived
from the first key, so rotating also re-digests.
"""

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@cache
def _keys() -> list[bytes]:
    raw = settings.SHANGHUI_FIELD_KEY
    if not raw:
        path = settings.SHANGHUI_FIELD_KEY_FILE
        if not path.exists():
            from .files import private_dir, write_private

            private_dir(path.parent)
            write_private(path, Fernet.generate_key())
        raw = path.read_text().strip()
    return [k.strip().encode() for k in raw.split(",") if k.strip()]


@cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(k) for k in _keys()])


@cache
def _digest_key() -> bytes:
    return hashlib.sha256(b"shanghui-digest:" + base64.urlsafe_b64decode(_keys()[0])).digest()


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode() if token else ""


def digest(value: str) -> str:
    """Keyed digest for equality lookups; without the key it reveals nothing (no rainbow tables)."""
    return hmac.new(_digest_key(), value.encode(), hashlib.sha256).hexdigest() if value else ""
