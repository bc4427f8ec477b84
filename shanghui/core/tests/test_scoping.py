"""One scope switch: every model's `visible_to` is core.scoping's, each model only declares paths."""

import inspect

import pytest
from django.apps import apps

from shanghui.accounts.models import ApiToken, User
from shanghui.audit.models import AuditEvent
from shanghui.core import scoping
from shanghui.core.scoping import ancestor_paths
from shanghui.honors.models import Campaign
from shanghui.orgs.models import Department, Region

# Accounts and audit events follow role rules, not paths from a row to a region.
OWN_RULES = {User, AuditEvent}


def scoped_models():
    for model in apps.get_models():
        if model.__module__.startswith("shanghui.") and hasattr(model._default_manager, "visible_to"):
            yield model


def test_no_model_writes_visible_to_again():
    checked = 0
    for model in scoped_models():
        if model in OWN_RULES:
            continue
        queryset = type(model._default_manager.all())
        owner = next(cls for cls in queryset.__mro__ if "visible_to" in vars(cls))
        assert owner.__module__ == scoping.__name__, f"{model.__name__}: visible_to is written again in {owner}"
        checked += 1
    assert checked >= 30


@pytest.mark.django_db
def test_every_models_paths_resolve_for_every_role(cast):
    # A path that names no field would only fail when a user of that role opens the page.
    models = list(scoped_models())
    for user in cast.users().values():
        for model in models:
            list(model._default_manager.visible_to(user)[:1])
            if isinstance(model._default_manager.all(), scoping.ScopedQuerySet):
                list(model._default_manager.in_scope(cast.district)[:1])


def test_ancestor_paths_run_from_the_root_down():
    assert ancestor_paths("/110000/110101/110101001/") == ["/110000/", "/110000/110101/", "/110000/110101/110101001/"]
    assert ancestor_paths("") == []


@pytest.mark.django_db
def test_reference_data_is_seen_by_every_signed_in_user_and_by_no_one_else(cast):
    for user in cast.users().values():
        assert Region.objects.visible_to(user).count() == Region.objects.count()
        assert Department.objects.visible_to(user).count() == Department.objects.count()
    assert not Region.objects.visible_to(None).exists()
    cast.leader.is_active = False
    assert not Department.objects.visible_to(cast.leader).exists()


@pytest.mark.django_db
def test_a_token_is_its_owners_alone_even_for_the_superuser(cast):
    token, _key = ApiToken.issue(user=cast.worker_a)
    assert list(ApiToken.objects.visible_to(cast.worker_a)) == [token]
    assert not ApiToken.objects.visible_to(cast.superuser).exists()
    assert not ApiToken.objects.visible_to(cast.worker_b).exists()


@pytest.mark.django_db
def test_a_district_campaign_is_shared_down_to_its_streets_but_a_streets_is_not_shared_across(cast):
    district = Campaign.objects.create(year=2018, title="区级", region=cast.district)
    street_b = Campaign.objects.create(year=2018, title="景山", region=cast.street_b)
    assert set(Campaign.objects.visible_to(cast.worker_a)) == {district}
    assert set(Campaign.objects.visible_to(cast.worker_b)) == {district, street_b}
    assert set(Campaign.objects.visible_to(cast.admin)) == {district, street_b}
    assert not Campaign.objects.visible_to(cast.enterprise_user_a).exists()
    assert not Campaign.objects.visible_to(cast.auditor).exists()
    # A figure for street A counts what lies under street A, not what is shared down to it.
    assert not Campaign.objects.in_scope(cast.street_a).exists()


def test_the_base_is_not_copied_into_a_subclass():
    # visibility() overrides narrow or widen the base's condition; they never rebuild it.
    for model in scoped_models():
        queryset = type(model._default_manager.all())
        if "visibility" in vars(queryset) and queryset.__module__ != scoping.__name__:
            source = inspect.getsource(queryset.visibility)
            assert "region_path" not in source or "super().visibility" in source, model.__name__
