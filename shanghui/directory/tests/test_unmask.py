"""Unmask grants (accounts/unmask.py) on the person page: per role and per kind, inside the
user's scope, within a daily limit; every attempt, granted or refused, is an audit event."""

import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse

from shanghui.accounts import unmask
from shanghui.accounts.models import User
from shanghui.accounts.unmask import unmask_kinds
from shanghui.audit.models import AuditEvent
from shanghui.directory import services
from shanghui.directory.models import Person
from shanghui.testing import make_cast

pytestmark = pytest.mark.django_db


def _unmask(client, user, person):
    client.force_login(user)
    return client.post(reverse("directory:person_unmask", args=[person.pk]), HTTP_HX_REQUEST="true")


def test_the_default_grants(cast):
    granted = {name: set(unmask_kinds(user)) for name, user in cast.users().items()}
    assert granted == {"admin": {"id_number", "mobile"}, "worker_a": {"mobile"}, "worker_b": {"mobile"},
                       "instructor_a": set(), "handler_a": set(), "enterprise_user_a": set(), "leader": set(),
                       "auditor": set(), "superuser": set()}


def test_street_worker_unmasks_the_mobile_of_a_person_in_her_street_not_the_id_number(client, cast):
    response = _unmask(client, cast.worker_a, cast.person_a)
    html = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert cast.person_a.mobile in html
    assert cast.person_a.id_number not in html and cast.person_a.id_number_masked in html
    event = AuditEvent.objects.get(action="unmask")
    assert (event.actor, event.success, event.fields) == (cast.worker_a, True, ["mobile"])
    assert event.object_id == str(cast.person_a.pk)


def test_federation_admin_unmasks_both_numbers_with_no_store(client, cast):
    response = _unmask(client, cast.admin, cast.person_b)
    html = response.content.decode()
    assert cast.person_b.mobile in html and cast.person_b.id_number in html
    assert "no-store" in response["Cache-Control"]
    assert AuditEvent.objects.get(action="unmask").fields == ["id_number", "mobile"]


def test_unmask_of_another_streets_person_is_not_found_and_audited(client, cast):
    response = _unmask(client, cast.worker_a, cast.person_b)
    assert response.status_code == 404
    assert cast.person_b.mobile not in response.content.decode()
    missing = _unmask(client, cast.worker_a, type(cast.person_b)(pk=cast.person_b.pk + 1000))
    assert missing.status_code == 404  # the same answer as for a row that does not exist
    events = list(AuditEvent.objects.filter(action="unmask").order_by("seq"))
    assert [(e.actor, e.success, e.extra["refused"]) for e in events] == [
        (cast.worker_a, False, "out_of_scope"), (cast.worker_a, False, "out_of_scope")]
    assert events[0].extra["person_id"] == cast.person_b.pk
    # The service itself refuses too, whoever calls it.
    with pytest.raises(PermissionDenied):
        services.person_unmask(by=cast.worker_a, person=cast.person_b)
    assert AuditEvent.objects.filter(action="unmask", success=False).count() == 3


# The enterprise user never reaches the page: test_enterprise_pages.py.
@pytest.mark.parametrize("who", ["superuser", "leader", "instructor_a", "handler_a"])
def test_users_without_a_grant_are_refused_and_audited(client, cast, who):
    response = _unmask(client, getattr(cast, who), cast.person_a)
    assert response.status_code == 403
    text = response.content.decode()
    assert cast.person_a.mobile not in text and cast.person_a.id_number not in text
    event = AuditEvent.objects.get(action="unmask")
    assert (event.actor_name, event.success, event.extra) == (getattr(cast, who).username, False,
                                                            {"refused": "not_granted"})


def test_unmask_stops_at_the_daily_limit_and_the_refusal_is_audited(client, cast, settings):
    settings.SHANGHUI_UNMASK_DAILY_LIMIT = 2
    for person in (cast.person_a, cast.youth_member):
        assert _unmask(client, cast.worker_a, person).status_code == 200
    # Another user's unmaskings do not count against her.
    assert _unmask(client, cast.admin, cast.person_a).status_code == 200
    response = _unmask(client, cast.worker_a, cast.person_a)
    assert response.status_code == 403 and "2 次上限" in response.content.decode()
    assert cast.person_a.mobile not in response.content.decode()
    refused = AuditEvent.objects.get(action="unmask", success=False)
    assert refused.actor == cast.worker_a and refused.extra == {"refused": "daily_limit", "limit": 2}
    assert AuditEvent.objects.filter(action="unmask", success=True, actor=cast.worker_a).count() == 2


def test_a_street_workers_grant_holds_only_in_a_street_scope(client, cast):
    cast.worker_a.region = cast.district
    cast.worker_a.save(update_fields=["region"])
    assert unmask_kinds(cast.worker_a) == frozenset()
    assert _unmask(client, cast.worker_a, cast.person_b).status_code == 403


def test_grants_are_configured_in_one_place(client, cast, settings):
    settings.SHANGHUI_UNMASK_GRANTS = {"party_instructor": ["mobile"], "superuser": ["id_number", "mobile"]}
    assert _unmask(client, cast.instructor_a, cast.person_a).status_code == 200
    assert _unmask(client, cast.admin, cast.person_a).status_code == 403  # no longer in the table
    assert _unmask(client, cast.superuser, cast.person_a).status_code == 403  # never, whatever the table says


def test_the_unmask_button_is_offered_only_to_users_with_a_grant(client, cast):
    url = reverse("directory:person_detail", args=[cast.person_a.pk])
    unmask_url = reverse("directory:person_unmask", args=[cast.person_a.pk])
    for who, label in [("admin", "查看完整号码"), ("worker_a", "查看完整手机号码"), ("superuser", None),
                       ("leader", None), ("enterprise_user_a", None)]:
        client.force_login(getattr(cast, who))
        html = client.get(url).content.decode()
        assert (unmask_url in html) == (label is not None), who
        if label:
            assert label in html
    client.force_login(cast.admin)
    rights = reverse("directory:person_rights", args=[cast.person_a.pk])
    assert rights in client.get(url).content.decode()
    client.force_login(cast.superuser)
    assert rights not in client.get(url).content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_daily_count_is_taken_inside_the_transaction_that_records_the_unmask(settings, monkeypatch):
    # One transaction that starts with the write lock (SQLite: BEGIN IMMEDIATE; PostgreSQL: the
    # user's row is locked first): no other request can record between the count and the event.
    cast = make_cast()
    settings.SHANGHUI_UNMASK_DAILY_LIMIT = 1
    real_count, seen = unmask.used_today, []

    def used_today(user):
        seen.append(connection.in_atomic_block)
        return real_count(user)

    monkeypatch.setattr(unmask, "used_today", used_today)
    assert not connection.in_atomic_block
    services.person_unmask(by=cast.admin, person=cast.person_a)
    with pytest.raises(PermissionDenied):
        services.person_unmask(by=cast.admin, person=cast.person_a)
    assert seen == [True, True]
    assert AuditEvent.objects.filter(action="unmask", success=True).count() == 1
    assert AuditEvent.objects.get(action="unmask", success=False).extra["refused"] == "daily_limit"


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_the_daily_limit_cannot_both_unmask(settings, monkeypatch):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("the in-memory test database refuses a second writer instead of queueing it")
    cast = make_cast()
    settings.SHANGHUI_UNMASK_DAILY_LIMIT = 1
    counted, real_count, outcomes = threading.Barrier(2), unmask.used_today, []

    def used_today(user):
        used = real_count(user)
        try:
            # Without the lock both requests count here together, and both find the limit unreached.
            counted.wait(timeout=1)
        except threading.BrokenBarrierError:
            pass  # the other request waits for the lock: it has not counted yet
        return used

    monkeypatch.setattr(unmask, "used_today", used_today)

    def attempt():
        try:
            services.person_unmask(by=User.objects.get(pk=cast.admin.pk), person=Person.objects.get(pk=cast.person_a.pk))
            outcomes.append("shown")
        except PermissionDenied:
            outcomes.append("refused")
        finally:
            connection.close()  # each thread has its own database connection

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["refused", "shown"]
    assert AuditEvent.objects.filter(action="unmask", success=True).count() == 1
    assert AuditEvent.objects.get(action="unmask", success=False).extra["refused"] == "daily_limit"
