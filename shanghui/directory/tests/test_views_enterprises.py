import io
import random

import openpyxl
import pytest
from django.urls import reverse

from shanghui.audit.models import AuditEvent
from shanghui.directory import services
from shanghui.directory.models import Enterprise
from shanghui.testing import make_uscc

pytestmark = pytest.mark.django_db


def _valid(cast, **extra):
    return {"uscc": make_uscc(random.Random(5)), "name": "东华门新材料科技有限公司", "region": cast.street_a.pk,
            "industry": "M", "size": "small", "status": "active", **extra}


def _bad_check_char(code: str) -> str:
    return code[:17] + ("1" if code[17] != "1" else "2")


def test_enterprise_list_search_by_pinyin_initials_and_uscc_prefix(client, cast):
    client.force_login(cast.admin)
    url = reverse("directory:enterprise_list")
    assert [e.name for e in client.get(url, {"q": "dhm"}).context["objects"]] == ["东华门文化传媒有限公司"]
    by_code = client.get(url, {"q": cast.enterprise_b.uscc[:12].lower()}).context["objects"]
    assert list(by_code) == [cast.enterprise_b]


def test_enterprise_list_filters_by_street_and_industry(client, cast):
    client.force_login(cast.admin)
    url = reverse("directory:enterprise_list")
    assert list(client.get(url, {"region": cast.street_b.pk}).context["objects"]) == [cast.enterprise_b]
    assert list(client.get(url, {"industry": "R"}).context["objects"]) == [cast.enterprise_a]


def test_enterprise_list_paginates(client, cast, settings):
    settings.PAGE_SIZE = 1
    client.force_login(cast.admin)
    response = client.get(reverse("directory:enterprise_list"), {"page": "2"})
    assert response.context["page"].number == 2 and len(response.context["objects"]) == 1
    assert client.get(reverse("directory:enterprise_list"), {"page": "x"}).status_code == 200


def test_a_uscc_with_a_wrong_check_character_is_refused_and_nothing_is_written(client, cast):
    data = _valid(cast)
    data["uscc"] = _bad_check_char(data["uscc"])
    before = Enterprise.objects.count()
    client.force_login(cast.worker_a)
    response = client.post(reverse("directory:enterprise_create"), data)
    assert response.status_code == 200
    assert "统一社会信用代码校验位错误" in response.content.decode()
    assert Enterprise.objects.count() == before


def test_a_duplicate_uscc_is_refused_on_the_field(client, cast):
    client.force_login(cast.worker_a)
    response = client.post(reverse("directory:enterprise_create"), _valid(cast, uscc=cast.enterprise_a.uscc))
    assert response.status_code == 200
    assert response.context["form"].has_error("uscc")
    assert Enterprise.objects.filter(uscc=cast.enterprise_a.uscc).count() == 1


def test_worker_creates_an_enterprise_with_a_principal_she_sees(client, cast):
    client.force_login(cast.worker_a)
    response = client.post(reverse("directory:enterprise_create"), _valid(cast, principal=cast.youth_member.pk))
    enterprise = Enterprise.objects.get(name="东华门新材料科技有限公司")
    assert response["Location"] == reverse("directory:enterprise_detail", args=[enterprise.pk])
    assert enterprise.principal == cast.youth_member
    assert AuditEvent.objects.filter(action="create", object_id=str(enterprise.pk), actor=cast.worker_a).exists()


def test_principal_from_another_street_is_not_a_valid_choice(client, cast):
    client.force_login(cast.worker_a)
    response = client.post(reverse("directory:enterprise_create"), _valid(cast, principal=cast.person_b.pk))
    assert response.context["form"].has_error("principal")
    assert not Enterprise.objects.filter(name="东华门新材料科技有限公司").exists()


def test_worker_edits_an_enterprise_of_her_street(client, cast):
    client.force_login(cast.worker_a)
    data = _valid(cast, uscc=cast.enterprise_a.uscc, name="东华门文化传媒有限公司", address="东华门大街1号",
                  principal=cast.person_a.pk)
    response = client.post(reverse("directory:enterprise_edit", args=[cast.enterprise_a.pk]), data)
    assert response.status_code == 302
    cast.enterprise_a.refresh_from_db()
    assert cast.enterprise_a.address == "东华门大街1号"
    assert AuditEvent.objects.get(action="update", object_id=str(cast.enterprise_a.pk)).fields == \
        ["industry", "address"]


@pytest.mark.parametrize("name", ["enterprise_detail", "enterprise_edit", "enterprise_delete"])
def test_enterprise_of_another_street_is_not_found(client, cast, name):
    client.force_login(cast.worker_a)
    assert client.get(reverse(f"directory:{name}", args=[cast.enterprise_b.pk])).status_code == 404
    assert client.post(reverse(f"directory:{name}", args=[cast.enterprise_b.pk])).status_code == 404


def test_worker_deletes_an_enterprise_of_her_street(client, cast):
    enterprise = services.enterprise_create(by=cast.worker_a, uscc=make_uscc(random.Random(8)), name="待删企业",
                                            region=cast.street_a)
    client.force_login(cast.worker_a)
    response = client.post(reverse("directory:enterprise_delete", args=[enterprise.pk]))
    assert response["Location"] == reverse("directory:enterprise_list")
    assert not Enterprise.objects.filter(pk=enterprise.pk).exists()


def test_enterprise_user_edits_only_the_fields_he_may(client, cast):
    client.force_login(cast.enterprise_user_a)
    url = reverse("directory:enterprise_edit", args=[cast.enterprise_a.pk])
    assert set(client.get(url).context["form"].fields) == {"industry", "size", "employees", "address"}
    response = client.post(url, {"industry": "R", "size": "small", "employees": "35", "address": "新地址",
                                 "name": "改名企业"})
    assert response.status_code == 302
    cast.enterprise_a.refresh_from_db()
    assert (cast.enterprise_a.employees, cast.enterprise_a.name) == (35, "东华门文化传媒有限公司")
    assert client.get(reverse("directory:enterprise_create")).status_code == 403
    assert client.post(reverse("directory:enterprise_delete", args=[cast.enterprise_a.pk])).status_code == 403


def test_enterprise_detail_shows_principal_people_and_memberships(client, cast):
    client.force_login(cast.worker_a)
    html = client.get(reverse("directory:enterprise_detail", args=[cast.enterprise_a.pk])).content.decode()
    assert "王东华" in html and "东华门街道商会" in html and cast.enterprise_a.uscc in html
    assert cast.person_a.mobile not in html and cast.person_a.mobile_masked in html


def test_export_xlsx_keeps_scope_and_filters_and_escapes_formulas(client, cast):
    services.enterprise_create(by=cast.worker_a, uscc=make_uscc(random.Random(9)), name="=1+2公司",
                               region=cast.street_a, industry="C")
    client.force_login(cast.worker_a)
    response = client.get(reverse("directory:enterprise_export"), {"industry": "C"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("统一社会信用代码", "企业名称")
    assert [r[1] for r in rows[1:]] == ["'=1+2公司"]
    event = AuditEvent.objects.get(action="export", actor=cast.worker_a)
    assert event.extra["filters"] == {"industry": "C"} and event.extra["rows"] == 1


def test_autocomplete_offers_only_visible_enterprises(client, cast):
    client.force_login(cast.worker_a)
    html = client.get(reverse("directory:enterprise_autocomplete"), {"q": "有限公司"}).content.decode()
    assert "东华门文化传媒有限公司" in html and "景山" not in html
    html = client.get(reverse("directory:enterprise_autocomplete"), {"q": "dhm"}).content.decode()
    assert f'value="{cast.enterprise_a.pk}"' in html


def test_deleting_an_enterprise_a_login_belongs_to_is_refused_and_explained(client, cast):
    # enterprise_user_a's account points at enterprise_a (PROTECT): a message, not a 500.
    client.force_login(cast.worker_a)
    response = client.post(reverse("directory:enterprise_delete", args=[cast.enterprise_a.pk]), follow=True)
    assert response.status_code == 200
    assert "仍被其他数据引用" in response.content.decode()
    assert Enterprise.objects.filter(pk=cast.enterprise_a.pk).exists()
    assert not AuditEvent.objects.filter(action="delete").exists()


def test_the_closing_date_is_kept_with_the_status_and_checked(client, cast):
    import datetime as dt

    client.force_login(cast.worker_a)
    e = cast.enterprise_a
    form = {"uscc": e.uscc, "name": e.name, "region": e.region_id, "industry": e.industry, "size": e.size,
            "employees": e.employees or "", "founded": "2015-01-01", "address": e.address}
    url = reverse("directory:enterprise_edit", args=[e.pk])
    response = client.post(url, {**form, "status": "active", "status_changed": "2020-06-01"})
    assert response.status_code == 200 and "存续企业不填注销/迁出日期" in response.content.decode()
    response = client.post(url, {**form, "status": "closed", "status_changed": "2014-06-01"})
    assert "注销/迁出日期应晚于成立日期" in response.content.decode()
    e.refresh_from_db()
    assert (e.status, e.status_changed) == ("active", None)
    response = client.post(url, {**form, "status": "closed", "status_changed": "2020-06-01"})
    assert response.status_code == 302
    e.refresh_from_db()
    assert (e.status, e.status_changed) == ("closed", dt.date(2020, 6, 1))
    assert "注销日期" in client.get(reverse("directory:enterprise_detail", args=[e.pk])).content.decode()


def test_the_web_form_cleans_text_like_the_import_so_a_later_import_changes_nothing(client, cast, tmp_path):
    from shanghui.imports import engine, kinds
    from shanghui.imports.exports import export_kind

    client.force_login(cast.worker_a)
    data = _valid(cast, name="  ＡＢＣ新材料科技（北京）  有限公司 ", address="东城区\u3000东华门大街　１号  ")
    assert client.post(reverse("directory:enterprise_create"), data).status_code == 302
    enterprise = Enterprise.objects.get(uscc=data["uscc"])
    # What the importer's cells.text makes of the same cells: folded, collapsed, trimmed.
    assert (enterprise.name, enterprise.address) == ("ABC新材料科技（北京） 有限公司", "东城区 东华门大街 1号")
    response = export_kind(by=cast.worker_a, kind=kinds.get("enterprises"), fmt="csv")
    path = tmp_path / "export.csv"
    path.write_bytes(b"".join(response.streaming_content))
    result = engine.run(kinds.get("enterprises"), path, by=cast.worker_a, dry_run=True)
    assert result.ok and result.counts()["updated"] == 0 and result.counts()["new"] == 0
