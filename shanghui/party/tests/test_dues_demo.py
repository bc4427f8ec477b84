"""The dues part of the demo data set follows the rules and has a few arrears."""

import datetime as dt

import pytest

from shanghui.demo.generator import generate
from shanghui.party import dues
from shanghui.party.models import DuesBase, DuesHandUp, DuesMember, DuesPayment, DuesPaymentMonth


@pytest.fixture
def demo(db):
    return generate(seed=4, enterprises=300)


def test_demo_dues_follow_the_rules_and_include_arrears(demo):
    assert DuesPayment.objects.count() > 100 and DuesHandUp.objects.exists()
    years = set(DuesBase.objects.values_list("year", flat=True))
    assert len(years) >= 3  # several years
    # Every paid month's share is the month's dues of the declared base.
    bases = {(b.member.person_id, b.year): b.monthly() for b in DuesBase.objects.select_related("member")}
    for row in DuesPaymentMonth.objects.all()[:2000]:
        assert row.amount == bases[(row.person_id, row.month.year)]
    for p in DuesPayment.objects.prefetch_related("covered")[:500]:
        assert p.amount == sum(c.amount for c in p.covered.all()) and p.months == len(p.covered.all())
    rows = dues.member_dues(DuesMember.objects.filter(left__isnull=True), dues.dues_from(),
                            dues.last_ended_month(dt.date.today()))
    flagged = [d for d in rows if d.flagged]
    assert 0 < len(flagged) < len(rows) / 10
    assert any(d.reason for d in rows)


def test_the_dues_pages_render_on_the_demo_data(demo):
    from django.test import Client
    from django.urls import reverse

    from shanghui.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="dhm_worker"))
    member = DuesMember.objects.visible_to(User.objects.get(username="dhm_worker")).first()
    for url in (reverse("party:dues_index"), reverse("party:dues_index") + "?year=2024&month=3",
                reverse("party:dues_arrears"), reverse("party:dues_organization", args=[member.organization_id]),
                reverse("party:dues_member", args=[member.pk]), reverse("reports:dashboard")):
        assert client.get(url).status_code == 200, url
