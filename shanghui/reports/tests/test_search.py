"""The full-text search (core/search.py) through the models' `search()` and the site search page
(reports/search.py): Chinese words of any length, AND of terms, principal names, pinyin initials, USCC
fragments, scope (rows and counts), the index kept current by edits, deletes and imports, snippets."""

import datetime as dt
import io
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shanghui.activities import services as activity_services
from shanghui.activities.models import Activity
from shanghui.directory import services as directory_services
from shanghui.directory.models import Enterprise, Person
from shanghui.imports import engine, kinds
from shanghui.imports.tests.sheets import csv_file
from shanghui.library import services as library_services
from shanghui.library.models import Document
from shanghui.library.tests.conftest import docx_upload
from shanghui.testing import access_params, assert_access, client_for, make_uscc

pytestmark = pytest.mark.django_db

# Staff of every region role may search (each inside his scope); the auditor gets an empty page
# (visible_to gives him no rows); an enterprise user is answered 403 (a staff page: he searches the
# library list, the one register he reads, through its own ?q=).
WEB_CASES = {
    "reports:search": [("anonymous", 302), ("admin", 200), ("leader", 200), ("worker_a", 200),
                       ("instructor_a", 200), ("handler_a", 200), ("auditor", 200), ("superuser", 200),
                       ("enterprise_user_a", 403)],
}
SEARCH_URL_NAMES = set(WEB_CASES)
URL = reverse("reports:search")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _document(cast, title, body, region=None, public=False):
    return library_services.document_create(by=cast.admin, kind="report", title=title, issuer="东城区工商联",
                                            date="2018-06-01", region=region, is_public=public,
                                            file=docx_upload(body=(body,)))


def _names(qs):
    return sorted(str(o) for o in qs)


@pytest.mark.parametrize(("name", "case"), access_params(WEB_CASES))
def test_web_access(cast, name, case):
    who, expected = case
    response = assert_access(cast, who, "get", reverse(name) + "?q=东华门", expected)
    if who == "auditor":
        assert response.context["total"] == 0


def test_separate_words_find_a_document_holding_both(cast):
    doc = _document(cast, "红色教育基地名录", "本区红色教育基地共十处。")
    other = _document(cast, "红色旅游", "线路介绍")
    seen = Document.objects.visible_to(cast.admin)
    assert list(seen.search("红色 教育")) == [doc]
    assert list(seen.search("红色教育基地")) == [doc]
    assert set(seen.search("红色")) == {doc, other}
    assert not seen.search("红色 基金").exists()


def test_body_text_is_searched(cast):
    doc = _document(cast, "工作总结", "全年开展非公企业党建工作指导二十次。")
    seen = Document.objects.visible_to(cast.admin)
    assert list(seen.search("党建")) == [doc]  # two characters: one bigram
    assert list(seen.search("指导 二十次")) == [doc]
    assert list(seen.search("导")) == [doc]  # one character (inside a word)
    assert not seen.search("党建基地").exists()


def test_one_character_at_the_end_of_a_word_is_found(cast):
    seen = Enterprise.objects.visible_to(cast.admin)
    assert list(seen.search("司")) and set(seen.search("司")) == set(seen)  # 有限公司 ends every name
    assert list(seen.search("餐")) == [cast.enterprise_b]


def test_enterprise_by_principal_name_initials_and_uscc_fragment(cast):
    seen = Enterprise.objects.visible_to(cast.admin)
    assert list(seen.search(cast.person_b.name)) == [cast.enterprise_b]  # 李景山
    assert list(seen.search("dhm")) == [cast.enterprise_a]  # pinyin initials of 东华门…
    uscc = cast.enterprise_b.uscc
    assert list(seen.search(uscc)) == [cast.enterprise_b]
    assert list(seen.search(uscc[5:13])) == [cast.enterprise_b]  # from the middle
    assert list(seen.search(uscc[5:13].lower())) == [cast.enterprise_b]


def test_a_persons_phone_and_id_number_fragments_never_match(cast):
    person = cast.person_a
    seen = Person.objects.visible_to(cast.admin)
    for number in (person.mobile, person.id_number):
        for fragment in (number, number[:7], number[-4:], number[3:11]):
            assert not seen.search(fragment).exists(), fragment
    response = client_for(cast, "admin").get(URL, {"q": person.mobile[-4:]})
    assert response.context["total"] == 0
    assert list(seen.search(person.name)) == [person]


def test_a_street_worker_sees_no_other_streets_rows_nor_counts(cast):
    _document(cast, "东华门工作简报", "有限公司", region=cast.street_a)
    _document(cast, "景山工作简报", "有限公司", region=cast.street_b)
    response = client_for(cast, "worker_a").get(URL, {"q": "有限公司"})
    groups = {g["kind"]: g for g in response.context["groups"]}
    assert [e.pk for e in groups["enterprise"]["hits"]] == [cast.enterprise_a.pk]
    assert groups["enterprise"]["count"] == 1
    assert [d.title for d in groups["document"]["hits"]] == ["东华门工作简报"]
    html = response.content.decode()
    assert cast.enterprise_b.name not in html and "景山工作简报" not in html
    # The district admin sees both: the counts are computed per user, not shared.
    admin = client_for(cast, "admin").get(URL, {"q": "有限公司"})
    assert {g["kind"]: g["count"] for g in admin.context["groups"]}["enterprise"] == 2
    # By name: the other street's enterprise is not found, not even as a count.
    response = client_for(cast, "worker_a").get(URL, {"q": "景山餐饮"})
    assert response.context["total"] == 0


def test_the_index_follows_a_web_edit_and_a_delete(cast):
    client = client_for(cast, "worker_a")
    enterprise = cast.enterprise_a
    data = {"uscc": enterprise.uscc, "name": "东华门红星印刷有限公司", "region": cast.street_a.pk,
            "industry": "C", "size": "small", "status": "active", "principal": cast.person_a.pk}
    assert client.post(reverse("directory:enterprise_edit", args=[enterprise.pk]), data).status_code == 302
    seen = Enterprise.objects.visible_to(cast.worker_a)
    assert list(seen.search("红星印刷")) == [enterprise]
    assert not seen.search("文化传媒").exists()
    # The principal's new name is found (his enterprise's text depends on it).
    directory_services.person_update(by=cast.admin, person=cast.person_a, name="王红旗")
    assert list(seen.search("王红旗")) == [enterprise]
    assert not seen.search("王东华").exists()
    # A deleted principal no longer finds the enterprise (SET_NULL sends no save signal).
    directory_services.person_delete(by=cast.admin, person=cast.person_a)
    assert not seen.search("王红旗").exists()
    gone = directory_services.enterprise_create(by=cast.admin, uscc=_code(50), name="东华门临时商贸有限公司",
                                                region=cast.street_a)
    assert list(seen.search("临时商贸")) == [gone]
    directory_services.enterprise_delete(by=cast.admin, enterprise=gone)
    assert not Enterprise.objects.search("临时商贸").exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM search_enterprise")
        assert cursor.fetchone()[0] == Enterprise.objects.count()


def test_the_index_follows_an_import(cast, tmp_path):
    new_code = make_uscc(random.Random(99))
    rows = [["统一社会信用代码", "企业名称", "所在街道"],
            [new_code, "东华门青松书画有限公司", "东华门街道"],
            [cast.enterprise_a.uscc, "东华门翠柏茶艺有限公司", "东华门街道"]]
    result = engine.run(kinds.get("enterprises"), csv_file(tmp_path, rows), by=cast.worker_a, dry_run=False)
    assert result.committed, result.as_dict()
    seen = Enterprise.objects.visible_to(cast.worker_a)
    assert [e.uscc for e in seen.search("青松书画")] == [new_code]
    assert list(seen.search("翠柏茶艺")) == [cast.enterprise_a]
    assert not seen.search("文化传媒").exists()


def test_activities_are_found_by_title_and_place(cast):
    start = timezone.make_aware(dt.datetime(2018, 5, 4, 9))
    activity = activity_services.activity_create(by=cast.worker_a, title="青年企业家座谈会", kind="meeting",
                                                 region=cast.street_a, start=start,
                                                 end=start + dt.timedelta(hours=2), place="东华门会议室")
    seen = Activity.objects.visible_to(cast.worker_a)
    assert list(seen.search("企业家 会议室")) == [activity]
    assert not Activity.objects.visible_to(cast.worker_b).search("企业家").exists()
    activity_services.activity_update(by=cast.worker_a, activity=activity, title="青年创业沙龙")
    assert not seen.search("企业家").exists() and list(seen.search("沙龙")) == [activity]


def test_the_results_page_groups_counts_links_and_highlights(cast):
    doc = _document(cast, "关于<script>的说明", "文中提到 <script>alert(1)</script> 与党建工作。")
    response = client_for(cast, "admin").get(URL, {"q": "党建 script"})
    html = response.content.decode()
    assert "<script>alert" not in html and "&lt;<mark>script</mark>&gt;" in html
    assert "<mark>党建</mark>" in html
    assert reverse("library:document_detail", args=[doc.pk]) in html
    groups = {g["kind"]: g["count"] for g in response.context["groups"]}
    assert groups == {"enterprise": 0, "person": 0, "document": 1, "activity": 0}


def test_a_query_of_punctuation_only_finds_nothing_and_says_so(cast):
    response = client_for(cast, "admin").get(URL, {"q": "？？ !!"})
    assert response.status_code == 200 and response.context["unusable"]
    assert "请输入汉字、字母或数字" in response.content.decode()


def test_the_list_pages_use_the_same_search(cast):
    _document(cast, "红色教育基地名录", "正文", public=True)
    client = client_for(cast, "admin")
    response = client.get(reverse("library:document_list"), {"q": "红色 教育"})
    assert [d.title for d in response.context["objects"]] == ["红色教育基地名录"]
    response = client.get(reverse("directory:enterprise_list"), {"q": cast.person_a.name})
    assert [e.name for e in response.context["objects"]] == [cast.enterprise_a.name]
    # The enterprise user's library list searches the public documents only.
    _document(cast, "红色教育内部资料", "正文")
    response = client_for(cast, "enterprise_user_a").get(reverse("library:document_list"), {"q": "红色"})
    assert [d.title for d in response.context["objects"]] == ["红色教育基地名录"]


def test_the_pages_queries_do_not_grow_with_the_hits(cast):
    def queries(q):
        client = client_for(cast, "admin")
        client.get(URL, {"q": q})  # the session and the user are loaded once
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(URL, {"q": q})
        return len(ctx), response.context["total"]

    def add(i):
        enterprise = directory_services.enterprise_create(
            by=cast.admin, uscc=_code(i), name=f"景山餐饮{i}号店", region=cast.street_b)
        person = directory_services.person_create(by=cast.admin, name=f"景山餐饮{i}", region=cast.street_b)
        directory_services.enterprise_update(by=cast.admin, enterprise=enterprise, principal=person)
        _document(cast, f"景山餐饮调研{i}", "正文")

    add(0)  # one hit in each of these groups, then many
    few, hits = queries("景山餐饮")
    for i in range(1, 13):
        add(i)
    many, more = queries("景山餐饮")
    assert more > hits + 30
    assert many == few


def _code(i):
    return make_uscc(random.Random(1000 + i))


def test_a_groups_count_stops_at_the_cap_and_says_more(cast, monkeypatch):
    from shanghui.core import search

    monkeypatch.setattr(search, "COUNT_CAP", 1)
    response = client_for(cast, "admin").get(URL, {"q": "有限公司"})
    group = {g["kind"]: g for g in response.context["groups"]}["enterprise"]
    assert group["count_label"] == "1+" and len(group["hits"]) == 2
    assert "共找到 超过" in response.content.decode()
    # A street worker's count is his own, capped or not.
    response = client_for(cast, "worker_a").get(URL, {"q": "有限公司"})
    assert {g["kind"]: g for g in response.context["groups"]}["enterprise"]["count_label"] == "1"


def test_the_rebuild_command_refills_an_emptied_index(cast):
    from django.core.management import CommandError, call_command

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_enterprise")
    assert not Enterprise.objects.search("东华门").exists()
    call_command("search_rebuild", "enterprise", stdout=io.StringIO())
    assert list(Enterprise.objects.search("东华门")) == [cast.enterprise_a]
    with pytest.raises(CommandError):
        call_command("search_rebuild", "nonsense")
