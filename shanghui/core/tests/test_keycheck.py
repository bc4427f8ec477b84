"""The personal-data key must match the stored data, or the site does not start; none is invented."""

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from shanghui.core import crypto, keycheck, state
from shanghui.core.models import SiteState
from shanghui.directory import services
from shanghui.directory.importing.refs import persons_by_id_number
from shanghui.directory.models import Person


@pytest.fixture
def keys(settings):
    """Set the configured keys ("NEW,OLD" during a rotation); the original ones come back afterwards."""
    def use(value: str, key_file=None):
        settings.SHANGHUI_FIELD_KEY = value
        if key_file is not None:
            settings.SHANGHUI_FIELD_KEY_FILE = key_file
        crypto.clear_caches()

    yield use
    crypto.clear_caches()  # the settings fixture restores the values; the caches must follow


def test_a_fresh_database_gets_a_key_check_value_at_start(db):
    assert keycheck.problem() == ""
    assert crypto.decrypt(state.get().key_check) == keycheck.PLAINTEXT


def test_a_wrong_key_refuses_to_start_with_a_clear_message(cast, keys):
    assert keycheck.problem() == ""  # the right key: started, check value recorded
    keys(Fernet.generate_key().decode())  # a valid Fernet key, but not the data's
    with pytest.raises(SystemCheckError, match="密钥与数据库中的数据不符"):
        call_command("check")


def test_a_wrong_key_is_refused_on_a_database_from_before_the_check_value(cast, keys):
    SiteState.objects.all().delete()  # data encrypted, no check value yet: one stored number is tried
    keys(Fernet.generate_key().decode())
    assert keycheck.problem() == keycheck.MISMATCH
    assert not SiteState.objects.exclude(key_check="").exists()  # nothing recorded under the wrong key


def test_a_missing_key_file_with_encrypted_data_refuses_and_generates_no_key(cast, keys, tmp_path):
    missing = tmp_path / "field.key"
    keys("", key_file=missing)
    with pytest.raises(SystemCheckError, match="不会自动生成"):
        call_command("check")
    assert not missing.exists()
    assert Person.objects.get(pk=cast.person_a.pk).id_number_cipher  # the data is untouched


def test_a_missing_key_file_without_encrypted_data_is_generated_in_development(db, keys, tmp_path):
    missing = tmp_path / "field.key"
    keys("", key_file=missing)
    assert keycheck.problem() == ""
    assert missing.exists() and crypto.decrypt(state.get().key_check) == keycheck.PLAINTEXT


def test_during_a_key_rotation_a_duplicate_id_number_is_refused_and_rotation_completes(cast, keys):
    old = crypto._keys()[0].decode()
    new = Fernet.generate_key().decode()
    keys(f"{new},{old}")
    id_number = cast.person_a.id_number
    with pytest.raises(ValidationError, match="已登记"):
        services.person_create(by=cast.admin, name="重复登记", region=cast.street_a, id_number=id_number)
    assert persons_by_id_number(cast.admin, {id_number}) == {id_number: (cast.person_a.pk, cast.person_a.name)}
    call_command("rotate_keys")
    keys(new)
    assert Person.objects.by_id_number(id_number).get() == cast.person_a
    assert keycheck.problem() == ""


def test_during_a_key_rotation_an_import_matches_the_existing_person(cast, keys, tmp_path):
    from shanghui.imports import engine, kinds
    from shanghui.imports.tests.sheets import csv_file

    old = crypto._keys()[0].decode()
    new = Fernet.generate_key().decode()
    keys(f"{new},{old}")
    path = csv_file(tmp_path, [["姓名", "身份证号码", "手机号码", "所属街道"],
                               ["王东华", cast.person_a.id_number, "13911112222", "东华门街道"]])
    result = engine.run(kinds.get("persons"), path, by=cast.worker_a, dry_run=False)
    assert result.committed and result.updated == 1 and result.counts()["new"] == 0, result.errors
    call_command("rotate_keys")  # no duplicate row to trip the unique digest
    keys(new)
    assert Person.objects.by_mobile("13911112222").get() == cast.person_a
