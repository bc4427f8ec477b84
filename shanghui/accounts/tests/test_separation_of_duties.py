"""Separation of duties (访问控制, GB/T 22239-2019 8.1.4.2): system administrator, auditor and
business roles are separate; role changes are audited; user management stays inside scope."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from shanghui.accounts import services
from shanghui.accounts.models import User
from shanghui.accounts.tests.test_access_matrix import RESOURCES
from shanghui.audit import record
from shanghui.audit.models import AuditEvent
from shanghui.core.tests.test_url_access import API, _patch, _payload
from shanghui.directory.models import Enterprise, Membership, Person
from shanghui.orgs.models import Chamber
from shanghui.testing import PASSWORD

pytestmark = pytest.mark.django_db


def _snapshot():
    models = (Chamber, Enterprise, Person, Membership, User)
    return {m.__name__: sorted(tuple(sorted((k, str(v)) for k, v in row.items())) for row in m.objects.values())
            for m in models}


def test_auditor_reads_the_audit_log(client, cast):
    record(by=cast.worker_a, action="update", obj=cast.enterprise_a, fields=["address"])
    client.force_login(cast.auditor)
    response = client.get(reverse("audit:event_list"))
    assert response.status_code == 200 and cast.enterprise_a.name in response.content.decode()


def test_auditor_changes_nothing_through_any_write_url(client, cast):
    """Every create, edit and delete URL of the web UI and the API, and the user management,
    posted to by the auditor: refused (403/404/422), and no row anywhere changed."""
    client.force_login(cast.auditor)
    before = _snapshot()
    refused = {403, 404, 405, 422}
    for resource, (app, _model) in RESOURCES.items():
        own = getattr(cast, f"{resource}_a")
        for url in (reverse(f"{app}:{resource}_create"), reverse(f"{app}:{resource}_edit", args=[own.pk]),
                    reverse(f"{app}:{resource}_delete", args=[own.pk])):
            assert client.post(url, {"name": "审计员改的"}).status_code in refused, url
    for resource, (plural, _noun) in API.items():
        own = getattr(cast, f"{resource}_a")
        base = f"/api/v1/{plural}/"
        body = {"content_type": "application/json"}
        assert client.post(base, data=json.dumps(_payload(cast, resource)), **body).status_code in refused
        assert client.patch(f"{base}{own.pk}", data=json.dumps(_patch(resource)), **body).status_code in refused
        assert client.delete(f"{base}{own.pk}").status_code in refused
    for name, args in [("accounts:user_create", []), ("accounts:user_edit", [cast.worker_a.pk]),
                       ("accounts:user_set_active", [cast.worker_a.pk]),
                       ("accounts:user_reset_password", [cast.worker_a.pk]),
                       ("accounts:user_reset_2fa", [cast.worker_a.pk]),
                       ("directory:person_unmask", [cast.person_a.pk]),
                       ("directory:person_rights_erase", [cast.person_a.pk])]:
        assert client.post(reverse(name, args=args), {"role": "federation_admin"}).status_code in refused, name
    assert _snapshot() == before
    # The auditor has no admin site either.
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_system_administrator_cannot_change_or_delete_audit_records(client, cast):
    event = record(by=cast.worker_a, action="update", obj=cast.enterprise_a, fields=["address"])
    client.force_login(cast.superuser)
    change = reverse("admin:audit_auditevent_change", args=[event.pk])
    delete = reverse("admin:audit_auditevent_delete", args=[event.pk])
    # The change page only shows the record; posting to it changes nothing.
    client.post(change, {"action": "delete", "actor_name": "nobody", "object_repr": "改过的"})
    assert client.post(delete, {"post": "yes"}).status_code == 403
    client.post(reverse("admin:audit_auditevent_changelist"),
                {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"})
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    event.refresh_from_db()
    assert (event.action, event.actor_name, event.object_repr) == ("update", "worker_a", cast.enterprise_a.name)


def test_system_administrator_does_not_unmask_personal_data(client, cast):
    """The technical superuser sees every row but no plain ID or mobile number, on any path."""
    client.force_login(cast.superuser)
    person = cast.person_a
    responses = [
        client.post(reverse("directory:person_unmask", args=[person.pk])),
        client.post(f"/api/v1/persons/{person.pk}/unmask"),
        client.get(reverse("directory:person_rights", args=[person.pk])),
        client.post(reverse("directory:person_rights_export", args=[person.pk]), {"export-reference": "GK-1"}),
        client.post(reverse("imports:export_plain", args=["persons"]), {"reason": "系统维护需要核对", "format": "csv"}),
    ]
    assert [r.status_code for r in responses] == [403] * len(responses)
    for response in responses:
        assert person.id_number not in response.content.decode() and person.mobile not in response.content.decode()
    refused = AuditEvent.objects.filter(actor=cast.superuser, success=False)
    assert sorted(refused.values_list("action", flat=True)) == ["export_plain", "personal_data_export", "unmask", "unmask"]


@pytest.mark.parametrize("who", ["worker_a", "instructor_a", "handler_a", "enterprise_user_a", "leader", "auditor"])
def test_business_roles_cannot_manage_users(client, cast, who):
    user = getattr(cast, who)
    client.force_login(user)
    assert client.get(reverse("accounts:user_list")).status_code == 403
    assert client.post(reverse("accounts:user_create"), {
        "username": "sneaky", "display_name": "x", "role": "federation_admin",
        "region": cast.district.pk}).status_code == 403
    assert not User.objects.filter(username="sneaky").exists()
    with pytest.raises(PermissionDenied):
        services.user_update(by=user, user=cast.worker_b, role="federation_admin", region=cast.district)
    with pytest.raises(PermissionDenied):
        services.user_reset_password(by=user, user=cast.worker_b)


def test_federation_admin_creates_a_business_user_inside_his_scope(client, cast):
    client.force_login(cast.admin)
    response = client.post(reverse("accounts:user_create"), {
        "username": "dhm_worker2", "display_name": "张三", "role": "street_worker", "region": cast.street_a.pk})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    user = User.objects.get(username="dhm_worker2")
    assert user.role == "street_worker" and user.region == cast.street_a and user.must_change_password
    password = response.context["password"]
    assert user.check_password(password) and password in response.content.decode()
    event = AuditEvent.objects.get(action="create", object_id=str(user.pk))
    assert event.actor == cast.admin and password not in json.dumps(event.extra)


def test_federation_admin_cannot_appoint_an_auditor_or_a_superuser(cast):
    with pytest.raises(ValidationError):
        services.user_create(by=cast.admin, username="aud2", role="auditor")
    with pytest.raises(ValidationError):
        services.user_create(by=cast.admin, username="root2", role="")
    with pytest.raises(ValidationError):
        services.user_update(by=cast.admin, user=cast.worker_a, role="auditor")
    assert not User.objects.filter(username__in=["aud2", "root2"]).exists()


def test_user_management_stays_inside_the_managers_region(cast):
    from shanghui.orgs.models import Region

    other = Region.objects.create(code="110102", name="西城区", level="district", parent=cast.district.parent)
    street_x = Region.objects.create(code="110102001", name="西长安街街道", level="street", parent=other)
    with pytest.raises(ValidationError):
        services.user_create(by=cast.admin, username="xicheng", role="street_worker", region=street_x)
    # A street-level federation admin manages only his street's accounts.
    street_admin, _ = services.user_create(by=cast.admin, username="street_admin", role="federation_admin",
                                           region=cast.street_a)
    assert set(User.objects.visible_to(street_admin)) >= {cast.worker_a, cast.instructor_a, cast.enterprise_user_a}
    assert cast.worker_b not in User.objects.visible_to(street_admin)
    with pytest.raises(PermissionDenied):
        services.user_reset_password(by=street_admin, user=cast.worker_b)
    with pytest.raises(ValidationError):
        services.user_update(by=street_admin, user=cast.worker_a, region=cast.district)


def test_role_change_is_audited_with_before_and_after(client, cast):
    client.force_login(cast.admin)
    response = client.post(reverse("accounts:user_edit", args=[cast.worker_a.pk]), {
        "display_name": "worker_a", "role": "party_instructor", "region": cast.street_b.pk})
    assert response.status_code == 302
    cast.worker_a.refresh_from_db()
    assert (cast.worker_a.role, cast.worker_a.region) == ("party_instructor", cast.street_b)
    event = AuditEvent.objects.get(action="role_change", object_id=str(cast.worker_a.pk))
    assert event.actor == cast.admin and set(event.fields) == {"role", "region"}
    assert event.extra["from"]["role"] == "street_worker" and event.extra["to"]["role"] == "party_instructor"
    assert event.extra["from"]["region"] == cast.street_a.code and event.extra["to"]["region"] == cast.street_b.code


def test_role_change_in_the_django_admin_is_audited(client, cast):
    client.force_login(cast.superuser)
    url = reverse("admin:accounts_user_change", args=[cast.worker_a.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update({"role": "leader", "region": cast.district.pk, "date_joined_0": "2026-01-01",
                 "date_joined_1": "00:00:00", "password": cast.worker_a.password, "is_active": "on"})
    data.pop("last_login", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = AuditEvent.objects.get(action="role_change", object_id=str(cast.worker_a.pk))
    assert "role" in event.fields and event.extra["via"] == "admin"


def test_deactivate_and_reset_password_through_the_page(client, cast):
    client.force_login(cast.admin)
    client.post(reverse("accounts:user_set_active", args=[cast.worker_a.pk]), {"active": "0"})
    assert not User.objects.get(pk=cast.worker_a.pk).is_active
    assert Client().login(username="worker_a", password=PASSWORD) is False
    client.post(reverse("accounts:user_set_active", args=[cast.worker_a.pk]), {"active": "1"})
    response = client.post(reverse("accounts:user_reset_password", args=[cast.worker_a.pk]))
    password = response.context["password"]
    user = User.objects.get(pk=cast.worker_a.pk)
    assert user.is_active and user.must_change_password and user.check_password(password)
    assert AuditEvent.objects.filter(action="password_reset", object_id=str(user.pk), actor=cast.admin).exists()
    assert list(AuditEvent.objects.filter(object_id=str(user.pk), action__in=["deactivate", "activate"])
                .order_by("id").values_list("action", flat=True)) == ["deactivate", "activate"]


def test_admin_cannot_change_his_own_role(client, cast):
    with pytest.raises(PermissionDenied):
        services.user_update(by=cast.admin, user=cast.admin, role="street_worker", region=cast.street_a)


def test_bad_input_on_the_user_form_writes_nothing_and_answers_in_chinese(client, cast):
    client.force_login(cast.admin)
    before = User.objects.count()
    for data in ({"username": "", "role": "street_worker"},
                 {"username": "a b!", "display_name": "x", "role": "street_worker", "region": cast.street_a.pk},
                 {"username": "worker_a", "display_name": "x", "role": "street_worker", "region": cast.street_a.pk},
                 {"username": "nohost", "display_name": "x", "role": "enterprise_user"},
                 {"username": "nodept", "display_name": "x", "role": "department_handler", "region": "abc"}):
        response = client.post(reverse("accounts:user_create"), data)
        assert response.status_code == 200, data
        assert response.context["form"].errors, data
    assert User.objects.count() == before
