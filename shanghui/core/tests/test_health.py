"""/healthz: for monitors, without login and without personal data; 503 when anything is wrong."""

import pytest
from cryptography.fernet import Fernet
from django.test import Client

from shanghui.core import crypto, keycheck
from shanghui.core.tests.test_faults import read_only_database
from shanghui.directory import services

CHECKS = {"database", "writable", "disk", "key", "audit"}


def _health(client=None):
    response = (client or Client()).get("/healthz")
    assert response["Content-Type"] == "application/json" and "no-store" in response["Cache-Control"]
    return response, response.json()


@pytest.mark.django_db
def test_healthz_reports_every_check_without_login_or_personal_data(cast, settings):
    settings.SHANGHUI_HEALTH_MIN_FREE_MB = 0
    keycheck.problem()  # at start
    assert _health()[1]["checks"]["audit"]["head_age_seconds"] is None  # nothing audited yet
    services.enterprise_update(by=cast.admin, enterprise=cast.enterprise_a, name="健康检查前改名的公司")
    response, data = _health()
    assert response.status_code == 200 and data["status"] == "ok"
    assert set(data["checks"]) == CHECKS and all(c["ok"] for c in data["checks"].values())
    assert 0 <= data["checks"]["audit"]["head_age_seconds"] < 60
    body = response.content.decode()
    for person in (cast.person_a, cast.person_b):
        for secret in (person.name, person.id_number, person.mobile):
            assert secret not in body
    assert "健康检查前改名的公司" not in body and "worker_a" not in body


@pytest.mark.django_db
def test_healthz_fails_when_free_disk_is_below_the_threshold(cast, settings):
    settings.SHANGHUI_HEALTH_MIN_FREE_MB = 10**12
    response, data = _health()
    assert response.status_code == 503 and data["status"] == "fail"
    assert data["checks"]["disk"] == {"ok": False, "free_mb": data["checks"]["disk"]["free_mb"],
                                      "min_free_mb": 10**12}
    assert data["checks"]["writable"]["ok"]


@pytest.mark.django_db(transaction=True)
def test_healthz_fails_when_the_database_cannot_be_written(cast, settings):
    settings.SHANGHUI_HEALTH_MIN_FREE_MB = 0
    with read_only_database():
        response, data = _health()
    assert response.status_code == 503
    assert data["checks"]["database"]["ok"] and not data["checks"]["writable"]["ok"]
    assert "只读" in data["checks"]["writable"]["error"]


@pytest.mark.django_db
def test_healthz_fails_when_the_key_does_not_match_the_data(cast, settings):
    settings.SHANGHUI_HEALTH_MIN_FREE_MB = 0
    keycheck.problem()
    original = settings.SHANGHUI_FIELD_KEY
    settings.SHANGHUI_FIELD_KEY = Fernet.generate_key().decode()
    crypto.clear_caches()
    try:
        response, data = _health()
    finally:
        settings.SHANGHUI_FIELD_KEY = original
        crypto.clear_caches()
    assert response.status_code == 503 and data["checks"]["key"] == {"ok": False}
