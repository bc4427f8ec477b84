"""The party-building part of the demo data set: the article's figures come out of the records."""

import datetime as dt
import hashlib

import pytest
from django.db import transaction

from shanghui.demo.generator import HORIZON, generate
from shanghui.demo.party import fingerprint_rows
from shanghui.directory.models import Enterprise
from shanghui.orgs.models import Region
from shanghui.party import compliance, kpis
from shanghui.party.models import (
    Form,
    InstructorAssignment,
    InstructorVisit,
    OrgLifeRecord,
    PartyCoverage,
    PartyMember,
    PartyOrganization,
)

N = 400


@pytest.fixture
def demo(db):
    return generate(seed=4, enterprises=N)


def test_every_street_chamber_hosts_a_joint_committee(demo):
    district = Region.objects.get(code="110101")
    f = kpis.joint_committee_coverage(district, HORIZON)
    assert (f.numerator, f.denominator) == (17, 17)


def test_coverage_figures_are_realistic_and_consistent(demo):
    district = Region.objects.get(code="110101")
    org, own, work = (kpis.figure(k, district, HORIZON) for k in ("organisation", "own", "work"))
    assert org.denominator == Enterprise.objects.filter(status="active").count()
    assert 0.3 < org.numerator / org.denominator < 0.8
    assert 0 < own.numerator < org.numerator <= work.numerator < work.denominator
    rows = kpis.by_street(district, HORIZON)
    for f in (org, own, work):
        assert sum(r.figures[f.key][0] for r in rows) == f.numerator
        assert sum(r.figures[f.key][1] for r in rows) == f.denominator


def test_records_obey_the_rules_the_services_enforce(demo):
    # The generator writes in bulk, so it proves here that it kept every model rule.
    for model in (PartyOrganization, PartyCoverage, PartyMember, InstructorAssignment, InstructorVisit):
        for row in model.objects.all()[:3000]:
            row.full_clean()
    for row in OrgLifeRecord.objects.order_by("?")[:300]:
        row.full_clean()


def test_own_organisations_took_their_enterprises_over_from_the_joint_committee(demo):
    own = PartyOrganization.objects.filter(form=Form.OWN)
    assert own.exists()
    moved = PartyCoverage.objects.filter(organization__form=Form.JOINT, enterprise__own_party_organizations__isnull=False,
                                         end__isnull=False)
    assert moved.exists()
    for c in moved[:50]:
        org = c.enterprise.own_party_organizations.get()
        assert c.end == org.founded - dt.timedelta(days=1)
    # Some members transferred with it: two rows, one ending the day before the next starts.
    transferred = PartyMember.objects.filter(left__isnull=False, organization__form=Form.JOINT)
    assert transferred.exists()
    assert all(org.members.count() >= 3 for org in own)


def test_instructors_visits_terms_and_gaps_in_organisational_life(demo):
    assert InstructorAssignment.objects.filter(end__isnull=False).exists()  # some ended
    assert InstructorVisit.objects.exists()
    assert Enterprise.objects.exclude(status="active").filter(status_changed__isnull=True).count() == 0
    years = set(OrgLifeRecord.objects.dates("date", "year"))
    assert len(years) == 3
    orgs = list(PartyOrganization.objects.filter(form=Form.OWN)[:30])
    rows = compliance.compliance(orgs, HORIZON.year - 1, HORIZON)
    assert any(not r.compliant for r in rows) and sum(r.missing_count for r in rows) < sum(
        k.required for r in rows for k in r.kinds) / 3


def test_should_form_own_list_has_examples(demo):
    district = Region.objects.get(code="110101")
    listed = list(kpis.should_form_own(district, HORIZON))
    assert listed and all(e.full_members >= 3 for e in listed)


class _Undo(Exception):
    pass


def _party_fingerprint(seed: int) -> str:
    try:
        with transaction.atomic():
            generate(seed=seed, enterprises=150, batch_size=40)
            h = hashlib.sha256()
            for query in fingerprint_rows():
                for row in query:
                    h.update(repr(row).encode())
            raise _Undo
    except _Undo:
        return h.hexdigest()


def test_party_demo_data_is_deterministic(db):
    first = _party_fingerprint(8)
    assert _party_fingerprint(8) == first
    assert _party_fingerprint(9) != first


def test_every_party_page_renders_on_the_demo_data(demo):
    from django.test import Client
    from django.urls import reverse

    from shanghui.accounts.models import User
    from shanghui.party.registers import REGISTERS

    for username in ("fic_admin", "dhm_worker", "dhm_instructor"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        urls = [reverse("party:dashboard"), "/party/?end=2024-12-31&start=2024-01-01", "/party/?end=garbage",
                reverse("party:compliance"), "/party/compliance/?year=2024", reverse("party:should_form_own"),
                *[reverse("party:kpi_list", args=[k, w]) for k in kpis.KPIS for w in ("covered", "missing")]]
        for noun, reg in REGISTERS.items():
            urls.append(reverse(f"party:{noun}_list"))
            first = reg.queryset(client.session and User.objects.get(username=username)).first()
            if first is not None:
                urls.append(reg.detail_url(first))
        for url in urls:
            response = client.get(url)
            assert response.status_code in (200, 403), (username, url, response.status_code)
            if response.status_code == 200 and url.startswith("/party/?"):
                assert "联合党委街道覆盖率" in response.content.decode()
