"""A row is changed by who writes its region, and moved only into a region he writes too."""

import pytest
from django.core.exceptions import PermissionDenied

from shanghui.accounts.scope import require_region_change

pytestmark = pytest.mark.django_db


def test_a_street_worker_changes_his_rows_but_moves_none_out_of_his_street(cast):
    require_region_change(cast.worker_a, cast.street_a, {"name": "新名称"})
    require_region_change(cast.worker_a, cast.street_a, {"region": cast.street_a})
    with pytest.raises(PermissionDenied):
        require_region_change(cast.worker_a, cast.street_a, {"region": cast.street_b})
    with pytest.raises(PermissionDenied):
        require_region_change(cast.worker_a, cast.street_b, {"name": "新名称"})


def test_a_district_admin_moves_rows_between_streets(cast):
    require_region_change(cast.admin, cast.street_a, {"region": cast.street_b})
