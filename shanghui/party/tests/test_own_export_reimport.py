"""A street worker's own export of party organisations and members imports again unchanged."""

import datetime as dt

import pytest

from shanghui.party import services
from shanghui.testing import assert_reimported_unchanged, reimport_own_export

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(world):
    cast = world.cast
    services.member_create(by=cast.admin, organization=world.ja, person=cast.person_a, joined_party=dt.date(2008, 7, 1),
                        joined_org=dt.date(2019, 3, 1))
    services.member_create(by=cast.admin, organization=world.oa, person=cast.youth_member,
                        joined_party=dt.date(2012, 7, 1), joined_org=dt.date(2024, 6, 1), flowing=True)
    return world


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("kind", ["party_organizations", "party_members"])
def test_a_street_workers_own_export_imports_again_unchanged(members, tmp_path, kind, fmt):
    rows, result = reimport_own_export(kind, members.cast.worker_a, tmp_path, fmt)
    assert_reimported_unchanged(rows, result)
