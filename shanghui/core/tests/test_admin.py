import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from shanghui.audit.models import AuditEvent
from shanghui.directory.models import Enterprise

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_admin_lists_start_from_the_users_scope(cast):
    model_admin = admin.site._registry[Enterprise]
    assert list(model_admin.get_queryset(_request(cast.worker_a))) == [cast.enterprise_a]
    assert model_admin.get_queryset(_request(cast.superuser)).count() == 2
    assert not model_admin.get_queryset(_request(cast.auditor)).exists()


def test_audit_events_are_read_only_in_the_admin(cast):
    model_admin = admin.site._registry[AuditEvent]
    request = _request(cast.superuser)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_person_admin_shows_masked_numbers_and_no_cipher_columns(client, cast):
    client.force_login(cast.superuser)
    page = client.get(reverse("admin:directory_person_change", args=[cast.person_a.pk])).content.decode()
    listing = client.get(reverse("admin:directory_person_changelist")).content.decode()
    for html in (page, listing):
        assert cast.person_a.id_number_masked in html
        assert cast.person_a.id_number not in html
        assert cast.person_a.id_number_cipher not in html and "digest" not in html


def test_admin_edits_are_audited(cast):
    from django.test import Client
    from django.urls import reverse

    from shanghui.audit.models import AuditEvent

    client = Client()
    client.force_login(cast.superuser)
    url = reverse("admin:orgs_department_change", args=[cast.market.pk])
    response = client.post(url, {"code": cast.market.code, "name": "市场监督管理"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="update", object_type="orgs.department")
    assert event.fields == ["name"] and event.extra == {"via": "admin"} and event.actor == cast.superuser


def test_every_admin_page_of_every_registered_model_opens_for_the_superuser(cast):
    from django.test import Client

    client = Client()
    client.force_login(cast.superuser)
    for model in admin.site._registry:
        meta = model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url
        add = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
        assert add.status_code in (200, 403), url


def test_party_and_activity_admin_lists_are_scoped(cast):
    import datetime as dt

    from django.utils import timezone

    from shanghui.activities import services as activities
    from shanghui.activities.models import Activity

    start = timezone.now().replace(microsecond=0)
    for street in (cast.street_a, cast.street_b):
        activities.activity_create(by=cast.admin, title=f"{street.name}活动", kind="education", region=street,
                                   start=start, end=start + dt.timedelta(hours=2))
    model_admin = admin.site._registry[Activity]
    assert [a.region for a in model_admin.get_queryset(_request(cast.worker_a))] == [cast.street_a]
    assert model_admin.get_queryset(_request(cast.superuser)).count() == 2
