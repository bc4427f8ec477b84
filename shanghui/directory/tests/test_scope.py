import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shanghui.directory import services
from shanghui.directory.models import Enterprise, Membership, Person


def test_street_worker_sees_only_her_street(cast):
    assert list(Enterprise.objects.visible_to(cast.worker_a)) == [cast.enterprise_a]
    assert set(Person.objects.visible_to(cast.worker_a)) == {cast.person_a, cast.youth_member}
    # The youth association is district-level, but its member from street A is hers to see.
    assert set(Membership.objects.visible_to(cast.worker_a)) == {cast.membership_a, cast.youth_membership}


def test_district_roles_see_everything_in_the_district(cast):
    for user in (cast.admin, cast.leader):
        assert Enterprise.objects.visible_to(user).count() == 2
        assert Membership.objects.visible_to(user).count() == 3


def test_enterprise_user_sees_only_his_enterprise(cast):
    assert list(Enterprise.objects.visible_to(cast.enterprise_user_a)) == [cast.enterprise_a]
    assert list(Person.objects.visible_to(cast.enterprise_user_a)) == [cast.person_a]
    assert list(Membership.objects.visible_to(cast.enterprise_user_a)) == [cast.membership_a]


def test_auditor_sees_no_business_data(cast):
    assert not Enterprise.objects.visible_to(cast.auditor).exists()
    assert not Person.objects.visible_to(cast.auditor).exists()


def test_worker_cannot_create_enterprise_in_another_street(cast):
    with pytest.raises(PermissionDenied):
        services.enterprise_create(by=cast.worker_a, uscc="91110101MA01ABCD1X", name="x", region=cast.street_b)


def test_create_enterprise_normalises_code_and_audits(cast):
    import random

    from shanghui.audit.models import AuditEvent
    from shanghui.testing import make_uscc

    code = make_uscc(random.Random(99))
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code.lower())
    e = services.enterprise_create(by=cast.worker_a, uscc=f" {full_width} ", name="新企业", region=cast.street_a)
    assert e.uscc == code
    event = AuditEvent.objects.get(action="create", object_id=str(e.pk))
    assert event.actor == cast.worker_a and "uscc" in event.fields


def test_bad_code_is_refused_with_chinese_message(cast):
    with pytest.raises(ValidationError) as err:
        services.enterprise_create(by=cast.worker_a, uscc="91110101MA01ABCD1", name="x", region=cast.street_a)
    assert "18位" in str(err.value)
    assert Enterprise.objects.count() == 2


def test_known_id_number_finds_existing_person(cast):
    person, created = services.person_find_or_create(
        by=cast.worker_a, name="王东华", region=cast.street_a, id_number=cast.person_a.id_number)
    assert (person, created) == (cast.person_a, False)


def test_person_pages_and_exports_never_give_the_whole_id_number_away(cast):
    """Masked ID (first 6 + last 4) plus a full birth date would be all 18 digits."""
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(cast.worker_a)
    birth = cast.person_a.birth_date
    detail = client.get(reverse("directory:person_detail", args=[cast.person_a.pk])).content.decode()
    export = b"".join(client.get(reverse("directory:person_export"), {"format": "csv"}).streaming_content).decode()
    for text in (detail, export):
        assert cast.person_a.id_number not in text
        assert cast.person_a.id_number_masked in text
        assert f"{birth:%Y-%m-%d}" not in text and f"{birth.year}年{birth.month}月{birth.day}日" not in text
