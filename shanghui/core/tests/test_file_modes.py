"""Files the application makes outside the session test: the SQLite database and its companions, the key file."""

import os

import pytest
from django.conf import settings
from django.db.backends.sqlite3.base import DatabaseWrapper

from shanghui.core import crypto
from shanghui.core.sqlite_files import precreate


@pytest.fixture
def loose_umask():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_the_sqlite_database_and_its_wal_and_shm_are_private_whatever_the_umask(tmp_path, loose_umask, db):
    db_settings = {**settings.DATABASES["default"], "ENGINE": "django.db.backends.sqlite3",
                   "NAME": tmp_path / "data" / "shanghui.sqlite3",
                   "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;"}}
    db_settings.pop("TEST", None)
    precreate(db_settings)  # what CoreConfig.ready() does for the configured database
    wrapper = DatabaseWrapper({**settings.DATABASES["default"], **db_settings}, alias="modes")
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("CREATE TABLE t (x)")
            cursor.execute("INSERT INTO t VALUES (1)")
        files = sorted(p.name for p in (tmp_path / "data").iterdir())
        assert files == ["shanghui.sqlite3", "shanghui.sqlite3-shm", "shanghui.sqlite3-wal"]
        modes = {p.name: p.stat().st_mode & 0o777 for p in (tmp_path / "data").iterdir()}
        assert set(modes.values()) == {0o600}
        assert (tmp_path / "data").stat().st_mode & 0o777 == 0o700
    finally:
        wrapper.close()


def test_an_older_database_made_under_a_loose_umask_is_tightened_on_connect(tmp_path, loose_umask, db):
    path = tmp_path / "old.sqlite3"
    path.touch(mode=0o644)
    wrapper = DatabaseWrapper({**settings.DATABASES["default"], "ENGINE": "django.db.backends.sqlite3",
                               "NAME": path, "OPTIONS": {}}, alias="modes")
    try:
        wrapper.ensure_connection()
        assert path.stat().st_mode & 0o777 == 0o600
    finally:
        wrapper.close()


def test_a_generated_field_key_file_is_private_whatever_the_umask(db, tmp_path, settings, loose_umask):
    settings.SHANGHUI_FIELD_KEY = ""
    settings.SHANGHUI_FIELD_KEY_FILE = tmp_path / "keys" / "field.key"
    crypto._keys.cache_clear()
    try:
        crypto._keys()
    finally:
        crypto.clear_caches()
    assert settings.SHANGHUI_FIELD_KEY_FILE.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "keys").stat().st_mode & 0o777 == 0o700
