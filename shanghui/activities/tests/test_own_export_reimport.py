"""A street worker's own export of activities and attendance imports again unchanged: district
activities she sees but may not change are skipped, masked mobile numbers match their persons."""

import pytest

from shanghui.testing import assert_reimported_unchanged, reimport_own_export

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("kind", ["activities", "attendances"])
def test_a_street_workers_own_export_imports_again_unchanged(world, tmp_path, kind, fmt):
    rows, result = reimport_own_export(kind, world.cast.worker_a, tmp_path, fmt)
    assert_reimported_unchanged(rows, result)
    if kind == "attendances":  # who came to the district's activities is not hers to change
        assert result.skipped
