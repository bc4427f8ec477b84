"""Re-encrypt and re-digest personal data after a new field key was put first.

Procedure (docs/deployment.md): set SHANGHUI_FIELD_KEY (or the key file) to
"NEW,OLD", restart, run `shanghui rotate-keys`, then drop OLD. Reading works with
either key throughout (MultiFernet), and lookups and uniqueness checks compare the
digests under every configured key; the key check value (core/keycheck.py) is
re-encrypted last, so the site will start once OLD is dropped.
"""

from collections import defaultdict

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q

from shanghui.audit import record
from shanghui.core import crypto, keycheck, state

BATCH = 1000


def rotate(model, ciphers: list[str]) -> int:
    """Re-encrypt the model's cipher columns, and re-digest their `<name>_digest` siblings, in every row
    that holds encrypted text; the number of rows."""
    names = {f.name for f in model._meta.concrete_fields}
    columns = [(c, d if (d := c.removesuffix("_cipher") + "_digest") in names else None) for c in ciphers]
    fields = [name for pair in columns for name in pair if name]
    holding = Q()
    for cipher in ciphers:
        holding |= ~Q(**{cipher: ""})
    n, batch = 0, []
    for row in model._base_manager.filter(holding).only("pk", *fields).iterator(chunk_size=BATCH):
        for cipher, digest in columns:
            plain = crypto.decrypt(getattr(row, cipher))
            setattr(row, cipher, crypto.encrypt(plain))
            if digest:
                setattr(row, digest, crypto.digest(plain) or (None if model._meta.get_field(digest).null else ""))
        batch.append(row)
        if len(batch) >= BATCH:
            n += _flush(model, batch, fields)
    return n + _flush(model, batch, fields)


def _flush(model, batch: list, fields: list[str]) -> int:
    n = len(batch)
    if n:
        model._base_manager.bulk_update(batch, fields)
        batch.clear()
    return n


class Command(BaseCommand):
    help = "用当前第一个密钥重新加密个人信息并重算查找摘要（更换密钥后执行）。"

    def handle(self, *args, **options):
        # One transaction: a half-rotated table would have digests of two keys.
        with transaction.atomic():
            ciphers = defaultdict(list)
            for model, name in keycheck.cipher_columns():
                ciphers[model].append(name)
            counts = {model._meta.label_lower: rotate(model, names) for model, names in ciphers.items()}
            # Last: once the check value is under the new key, the old key may be dropped.
            state.set_key_check(crypto.encrypt(keycheck.PLAINTEXT))
            record(by=None, action="rotate_keys", object_type="directory.person", extra=counts)
        self.stdout.write(f"已用新密钥重新加密 {counts.get('directory.person', 0)} 名人员的个人信息和 "
                          f"{counts.get('accounts.user', 0)} 个双因素认证密钥。")
