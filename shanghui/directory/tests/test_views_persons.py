import csv
import io
import random

import pytest
from django.urls import reverse

from shanghui.audit.models import AuditEvent
from shanghui.directory.models import Person
from shanghui.testing import make_id_number

pytestmark = pytest.mark.django_db


def _data(cast, **extra):
    return {"name": "钱新人", "region": cast.street_a.pk, "political_status": "masses", **extra}


def test_person_list_search_by_pinyin_initials(client, cast):
    client.force_login(cast.admin)
    response = client.get(reverse("directory:person_list"), {"q": "wdh"})
    assert list(response.context["objects"]) == [cast.person_a]


def test_person_pages_show_masked_numbers_only(client, cast):
    client.force_login(cast.admin)
    for url in (reverse("directory:person_list"), reverse("directory:person_detail", args=[cast.person_a.pk])):
        html = client.get(url).content.decode()
        assert cast.person_a.id_number not in html and cast.person_a.mobile not in html
    assert cast.person_a.id_number_masked in html


def test_a_bad_id_number_is_refused_and_nothing_is_written(client, cast):
    good = make_id_number(random.Random(3))
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    before = Person.objects.count()
    client.force_login(cast.worker_a)
    response = client.post(reverse("directory:person_create"), _data(cast, id_number=bad, mobile="13800138000"))
    assert response.status_code == 200
    assert "身份证号码校验位错误" in response.content.decode()
    assert Person.objects.count() == before


def test_a_bad_mobile_number_is_shown_on_its_field(client, cast):
    client.force_login(cast.worker_a)
    response = client.post(reverse("directory:person_create"), _data(cast, mobile="12345"))
    assert "手机号码“12345”格式不正确" in response.content.decode()
    assert not Person.objects.filter(name="钱新人").exists()


def test_an_id_number_already_registered_names_the_person_who_has_it(client, cast):
    client.force_login(cast.worker_a)
    response = client.post(reverse("directory:person_create"), _data(cast, id_number=cast.person_a.id_number))
    assert response.status_code == 200
    assert response.context["form"].has_error("id_number")
    assert f"已登记为人员“王东华”（编号{cast.person_a.pk}）" in response.content.decode()
    assert not Person.objects.filter(name="钱新人").exists()


def test_worker_creates_a_person_whose_id_number_sets_gender_and_birth(client, cast):
    import datetime as dt

    code = make_id_number(random.Random(4), birth=dt.date(1980, 5, 6))
    client.force_login(cast.worker_a)
    response = client.post(reverse("directory:person_create"),
                           _data(cast, id_number=code, mobile="13900001111", gender="", enterprise=cast.enterprise_a.pk))
    person = Person.objects.get(name="钱新人")
    assert response["Location"] == reverse("directory:person_detail", args=[person.pk])
    assert (person.id_number, person.mobile, person.birth_date) == (code, "13900001111", dt.date(1980, 5, 6))
    assert person.gender in ("M", "F") and person.enterprise == cast.enterprise_a


def test_editing_with_empty_number_boxes_keeps_the_stored_numbers(client, cast):
    id_number, mobile = cast.person_a.id_number, cast.person_a.mobile
    client.force_login(cast.worker_a)
    form_html = client.get(reverse("directory:person_edit", args=[cast.person_a.pk])).content.decode()
    assert id_number not in form_html and mobile not in form_html  # never echoed back into the page
    response = client.post(reverse("directory:person_edit", args=[cast.person_a.pk]), {
        "name": "王东华", "region": cast.street_a.pk, "enterprise": cast.enterprise_a.pk, "position": "执行董事",
        "gender": cast.person_a.gender, "id_number": "",
        "mobile": ""})
    assert response.status_code == 302
    cast.person_a.refresh_from_db()
    assert (cast.person_a.position, cast.person_a.id_number, cast.person_a.mobile) == ("执行董事", id_number, mobile)


@pytest.mark.parametrize("name", ["person_detail", "person_edit", "person_delete"])
def test_person_of_another_street_is_not_found(client, cast, name):
    client.force_login(cast.worker_a)
    assert client.get(reverse(f"directory:{name}", args=[cast.person_b.pk])).status_code == 404


def test_unmask_shows_plain_numbers_to_the_federation_and_is_audited(client, cast):
    client.force_login(cast.admin)
    url = reverse("directory:person_unmask", args=[cast.person_a.pk])
    html = client.post(url, HTTP_HX_REQUEST="true").content.decode()
    assert cast.person_a.id_number in html and cast.person_a.mobile in html
    event = AuditEvent.objects.get(action="unmask", object_id=str(cast.person_a.pk))
    assert event.actor == cast.admin and event.fields == ["id_number", "mobile"]
    assert cast.person_a.id_number not in str(event.extra)


def test_unmask_is_refused_to_a_street_worker_for_the_id_number_and_needs_post(client, cast):
    client.force_login(cast.worker_a)
    url = reverse("directory:person_unmask", args=[cast.person_a.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 200  # her grant is the mobile only
    assert cast.person_a.id_number not in response.content.decode()
    assert AuditEvent.objects.get(action="unmask").fields == ["mobile"]
    # … and a person outside her street is simply not there.
    assert client.post(reverse("directory:person_unmask", args=[cast.person_b.pk])).status_code == 404


def test_person_export_masks_id_and_mobile(client, cast):
    client.force_login(cast.admin)
    response = client.get(reverse("directory:person_export"), {"format": "csv", "q": "王东华"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][:1] == ["王东华"]
    assert cast.person_a.id_number_masked in rows[1] and cast.person_a.mobile_masked in rows[1]
    assert cast.person_a.id_number not in text and cast.person_a.mobile not in text


def test_a_web_edit_is_cleaned_like_the_import_so_the_own_export_reimports_unchanged(client, cast, tmp_path):
    from shanghui.testing import reimport_own_export

    client.force_login(cast.worker_a)
    response = client.post(reverse("directory:person_edit", args=[cast.person_a.pk]), {
        "name": " 王  东华 ", "region": cast.street_a.pk, "enterprise": cast.enterprise_a.pk,
        "position": "ＣＥＯ\u3000兼  董事长", "gender": cast.person_a.gender, "id_number": "", "mobile": ""})
    assert response.status_code == 302
    cast.person_a.refresh_from_db()
    assert (cast.person_a.name, cast.person_a.position) == ("王 东华", "CEO 兼 董事长")
    _, result = reimport_own_export("persons", cast.worker_a, tmp_path, "csv")
    assert result.ok and (result.new, result.updated) == (0, 0)
