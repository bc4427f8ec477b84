import pytest

from shanghui.testing import make_cast


def pytest_configure(config):
    from django.conf import settings

    # Real hashing costs ~0.3 s a password; the cast has nine users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cast(db):
    return make_cast()
