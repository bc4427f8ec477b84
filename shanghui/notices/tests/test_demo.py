import pytest

from shanghui.accounts.models import User
from shanghui.demo.generator import generate
from shanghui.notices.models import Audience, Notice, unread_count


@pytest.mark.django_db
def test_the_demo_has_one_notice_per_audience_and_two_unread_for_the_enterprise_login(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    counts = generate(seed=1, enterprises=20)
    assert counts["notices"] == 4 and counts["notice_receipts"] == 2
    assert sorted(Notice.objects.values_list("audience", flat=True)) == sorted(Audience.values)
    user = User.objects.get(username="dhm_enterprise")
    assert Notice.objects.visible_to(user).count() == 4 and unread_count(user) == 2
    for notice in Notice.objects.all():
        notice.full_clean()
