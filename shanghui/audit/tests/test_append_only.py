"""The audit log is append-only: the model, bulk paths, admin, API and database refuse edits."""

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from shanghui.accounts.models import User
from shanghui.audit import record, triggers
from shanghui.audit.chain import verify
from shanghui.audit.models import AuditChainHead, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return record(by=None, action="export", object_type="directory.enterprise", extra={"rows": 1})


def test_model_refuses_to_save_an_existing_event(event):
    event.action = "login"
    with pytest.raises(PermissionDenied):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).action == "export"


def test_model_refuses_to_delete_an_event(event):
    with pytest.raises(PermissionDenied):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize("call", [
    lambda qs: qs.update(action="login"),
    lambda qs: qs.delete(),
    lambda qs: qs.bulk_create([AuditEvent(action="login")]),
    lambda qs: qs.bulk_update(list(qs), ["action"]),
])
def test_queryset_refuses_bulk_update_delete_and_create(event, call):
    with pytest.raises(PermissionDenied):
        call(AuditEvent.objects.all())
    assert AuditEvent.objects.filter(pk=event.pk, action="export").exists()


def test_admin_offers_no_add_change_or_delete(cast):
    request = RequestFactory().get("/admin/")
    request.user = cast.superuser
    admin = site._registry[AuditEvent]
    assert not admin.has_add_permission(request)
    assert not admin.has_change_permission(request)
    assert not admin.has_delete_permission(request)


def test_api_has_no_route_to_the_audit_log():
    from shanghui.api.urls import api

    paths = api.get_openapi_schema()["paths"]
    assert paths and not [p for p in paths if "audit" in p]


def test_append_only_triggers_are_installed():
    # A later migration that rebuilds the table on SQLite would silently drop them.
    assert triggers.expected(connection) <= triggers.installed(connection)


@pytest.mark.parametrize("sql", [
    "UPDATE audit_auditevent SET action = 'login'",
    "UPDATE audit_auditevent SET actor_id = (SELECT max(id) FROM accounts_user)",
    "DELETE FROM audit_auditevent",
    "UPDATE audit_auditchainhead SET seq = 0, hash = ''",
    "DELETE FROM audit_auditchainhead",
])
def test_database_refuses_update_and_delete_of_audit_rows(cast, event, sql):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert AuditEvent.objects.get(pk=event.pk).action == "export"
    assert verify().ok


def test_deleting_a_user_keeps_their_events_and_the_chain_intact():
    user = User.objects.create(username="leaver", display_name="离职者")
    event = record(by=user, action="export", object_type="directory.enterprise")
    user.delete()  # on_delete=SET_NULL: the one UPDATE the triggers allow
    event = AuditEvent.objects.get(pk=event.pk)
    assert event.actor_id is None and event.actor_name == "leaver"
    assert verify().ok


def test_chain_head_is_one_row_that_follows_the_last_event(event):
    assert AuditChainHead.objects.count() == 1
    assert AuditChainHead.objects.get().seq == event.seq
