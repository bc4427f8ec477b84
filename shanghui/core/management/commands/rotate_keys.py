"""Re-encrypt and re-digest personal data after a new field key was put first.

Procedure (docs/deployment.md): set SHANGHUI_FIELD_KEY (or the key file) to
"NEW,OLD", restart, run `shanghui rotate-keys`, then drop OLD. Reading works with
either key throughout (MultiFernet), and lookups and uniqueness checks compare the
digests under every configured key; the key check value (core/keycheck.py) is
re-encrypted last, so the site will start once OLD is dropped.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from shanghui.accounts.models import User
from shanghui.activities.models import PendingAttendee
from shanghui.audit import record
from shanghui.core import crypto, keycheck, state
from shanghui.directory.models import Person

BATCH = 1000


class Command(BaseCommand):
    help = "用当前第一个密钥重新加密个人信息并重算查找摘要（更换密钥后执行）。"

    def handle(self, *args, **options):
        persons = users = 0
        # One transaction: a half-rotated table would have digests of two keys.
        with transaction.atomic():
            batch = []
            for person in Person.objects.only("id", "id_number_cipher", "mobile_cipher").iterator(chunk_size=BATCH):
                id_number, mobile = person.id_number, person.mobile
                person.id_number_cipher = crypto.encrypt(id_number)
                person.id_number_digest = crypto.digest(id_number) or None
                person.mobile_cipher = crypto.encrypt(mobile)
                person.mobile_digest = crypto.digest(mobile)
                batch.append(person)
                if len(batch) >= BATCH:
                    persons += self._flush(batch)
            persons += self._flush(batch)
            for user in User.objects.exclude(totp_cipher="").only("id", "totp_cipher"):
                user.totp_cipher = crypto.encrypt(crypto.decrypt(user.totp_cipher))
                user.save(update_fields=["totp_cipher"])
                users += 1
            pending = []
            for entry in PendingAttendee.objects.exclude(mobile_cipher="").only("id", "mobile_cipher"):
                entry.set_mobile(entry.mobile)
                pending.append(entry)
            PendingAttendee.objects.bulk_update(pending, ["mobile_cipher", "mobile_digest"], batch_size=BATCH)
            # Last: once the check value is under the new key, the old key may be dropped.
            state.set_key_check(crypto.encrypt(keycheck.PLAINTEXT))
            record(by=None, action="rotate_keys", object_type="directory.person",
                   extra={"persons": persons, "totp_users": users, "pending_attendees": len(pending)})
        self.stdout.write(f"已用新密钥重新加密 {persons} 名人员的个人信息和 {users} 个双因素认证密钥。")

    @staticmethod
    def _flush(batch: list) -> int:
        n = len(batch)
        if n:
            Person.objects.bulk_update(batch, ["id_number_cipher", "id_number_digest", "mobile_cipher",
                                               "mobile_digest"])
            batch.clear()
        return n
