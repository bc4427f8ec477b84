from cryptography.fernet import Fernet
from django.core.management import call_command

from shanghui.core import crypto, keycheck
from shanghui.directory.models import Person


def _use_keys(settings, keys: str) -> None:
    settings.SHANGHUI_FIELD_KEY = keys
    crypto.clear_caches()


def test_rotate_keys_reencrypts_and_redigests_so_old_key_can_be_dropped(cast, settings):
    old = crypto._keys()[0].decode()
    id_number, mobile = cast.person_a.id_number, cast.person_a.mobile
    new = Fernet.generate_key().decode()
    try:
        _use_keys(settings, f"{new},{old}")
        # Readable with the old key still listed, and found by the old key's digest until rotated.
        assert Person.objects.get(pk=cast.person_a.pk).id_number == id_number
        assert Person.objects.by_id_number(id_number).get() == cast.person_a
        call_command("rotate_keys")
        assert Person.objects.by_id_number(id_number).get() == cast.person_a
        _use_keys(settings, new)  # the old key dropped
        assert keycheck.problem() == ""  # the key check value was rotated too: the site starts
        person = Person.objects.get(pk=cast.person_a.pk)
        assert (person.id_number, person.mobile) == (id_number, mobile)
        assert Person.objects.by_mobile(mobile).filter(pk=person.pk).exists()
    finally:
        _use_keys(settings, "")
