"""Bulk exports are masked for everyone: every export URL of the site (found in the URL conf)
and every import kind's export (found in the kind registry), as every role including the
technical superuser, carries no plain ID or mobile number. The plaintext file is a separate,
explicit action (imports:export_plain, tested in imports/tests/test_plain_export.py)."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shanghui.activities import services as activities
from shanghui.activities.models import Invitation
from shanghui.core.tests.test_url_access import url_names
from shanghui.directory.models import Person
from shanghui.imports import kinds
from shanghui.party import dues_services
from shanghui.party import services as party
from shanghui.party.models import RecruitmentCandidate, RecruitmentStep

pytestmark = pytest.mark.django_db

# Exports that are themselves the explicit, reasoned and audited plaintext actions.
EXPLICIT = {"directory:person_rights_export", "imports:export_plain"}
# URL arguments of the exports that take some; `rows` are the fixture's records.
ARGS = {
    "activities:attendance_export": lambda rows: [rows["activity_a"].pk],
    "activities:kpi_export": lambda rows: ["member", "missing"],
    "activities:invitation_export": lambda rows: [rows["activity_a"].pk],
    "party:kpi_export": lambda rows: ["organisation", "covered"],
    "servicedesk:kpi_export": lambda rows: ["filed"],
}
ROLES = ("admin", "worker_a", "worker_b", "instructor_a", "handler_a", "enterprise_user_a", "leader", "auditor",
         "superuser")


def export_url_names() -> list[str]:
    names = {n for n in url_names() if n.rsplit(":", 1)[-1].endswith("export") or n == "imports:export"}
    return sorted(names - EXPLICIT)


def export_urls(rows) -> list[str]:
    urls = []
    for name in export_url_names():
        if name == "imports:export":
            urls += [reverse(name, args=[k]) for k in kinds.KINDS]
        else:
            assert name in ARGS or not name.endswith("kpi_export"), f"give {name} its arguments in ARGS"
            urls.append(reverse(name, args=ARGS[name](rows) if name in ARGS else []))
    # CSV where offered (the cheaper file; both formats write the same masked columns), else the default.
    return [f"{url}?format=csv&format=csv" for url in urls]


def body_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":  # xlsx: every part of the zip
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            return "".join(book.read(n).decode("utf-8", "replace") for n in book.namelist())
    return content.decode("utf-8", "replace")


@pytest.fixture
def rows(cast):
    """Persons in every register that exports them: attendance, party members, memberships."""
    admin, start = cast.admin, timezone.now() - dt.timedelta(days=1)
    out = {}
    for side, street, chamber, person in (("a", cast.street_a, cast.chamber_a, cast.person_a),
                                          ("b", cast.street_b, cast.chamber_b, cast.person_b)):
        activity = activities.activity_create(by=admin, title=f"{street.name}理想信念教育日", kind="education",
                                              region=street, start=start, end=start + dt.timedelta(hours=2))
        activities.attendance_add(by=admin, activity=activity, person=person)
        # Written directly: the invitation service takes only activities that have not started.
        Invitation.objects.create(activity=activity, enterprise=person.enterprise, person=person)
        org = party.organization_create(by=admin, name=f"{street.name}商会联合党委", level="committee", form="joint",
                                        host_chamber=chamber, founded=dt.date(2019, 1, 1), term_years=5)
        # A recruitment record (发展党员) of the same person, written directly: it carries his ID number too.
        candidate = RecruitmentCandidate.objects.create(person=person, organization=org, birth_date=dt.date(1980, 1, 1),
                                                        applied=dt.date(2019, 3, 1), full_on=dt.date(2020, 1, 1))
        RecruitmentStep.objects.create(candidate=candidate, kind="application", date=dt.date(2019, 3, 1))
        member = party.member_create(by=admin, person=person, organization=org, joined_party=dt.date(2015, 7, 1),
                                     joined_org=dt.date(2020, 1, 1))
        # The dues kinds carry the member's (masked) number too.
        dues_services.base_declare(by=admin, member=member, year=2024, category="employed", base=Decimal("5000"))
        dues_services.payment_record(by=admin, member=member, first_month=dt.date(2024, 1, 1), months=1,
                                     paid_on=dt.date(2024, 1, 5))
        out[f"activity_{side}"] = activity
    return out


def test_every_export_is_masked_for_every_role(cast, rows):
    plain = [v for p in Person.objects.all() for v in (p.id_number, p.mobile) if v]
    urls = export_urls(rows)
    assert any("/imports/export/persons/" in u for u in urls) and len(urls) > 20
    for who in ROLES:
        client = Client()
        client.force_login(getattr(cast, who))
        for url in urls:
            response = client.get(url)
            if who == "admin":  # the district admin may export everything: the walk reaches real files
                assert response.status_code == 200, url
            if response.status_code != 200:
                continue
            text = body_text(response)
            leaked = [v for v in plain if v in text]
            assert not leaked, f"{who} {url} carries plain personal numbers"


@pytest.mark.parametrize("who", ["admin", "superuser"])
def test_the_registers_that_carry_persons_show_them_masked(cast, rows, who):
    """The walk above is not vacuous: the person-carrying exports do hold the (masked) numbers."""
    client = Client()
    client.force_login(getattr(cast, who))
    carrying = [k for k in kinds.KINDS.values() if k.personal_kinds(getattr(cast, who))]
    assert {k.name for k in carrying} >= {"persons", "memberships", "attendances", "party_members"}
    for kind in carrying:
        text = body_text(client.get(reverse("imports:export", args=[kind.name]), {"format": "xlsx"}))
        person = cast.youth_member if kind.name == "memberships" else cast.person_a
        masked = person.id_number_masked if "id_number" in kind.personal_kinds(cast.admin) else person.mobile_masked
        assert masked in text, kind.name
