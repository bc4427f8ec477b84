"""An enterprise user never sees a staff page (accounts/pages.py).

`test_every_staff_page_answers_an_enterprise_user_403` walks every web URL pattern of the site: a
pattern is either in ENTERPRISE_PAGES (and its view is marked `enterprise_page`) or answers the
enterprise user 403, to GET and to POST, so a new staff page cannot be forgotten. The API (the same
rule, walked by api/tests/test_enterprise_api.py) and the admin (its own staff login) are left out.
The pages he does see link to no staff page (`test_the_enterprise_users_pages_link_to_no_staff_page`)
and offer no export or import.
"""

import re

import pytest
from django.urls import resolve, reverse
from django.urls.converters import IntConverter

from shanghui.accounts.pages import STAFF_ONLY_MESSAGE
from shanghui.audit.models import AuditEvent
from shanghui.core.tests.test_url_access import url_patterns
from shanghui.honors import services as honors_services
from shanghui.library import services as library_services
from shanghui.library.tests.conftest import docx_upload
from shanghui.notices import services as notices_services
from shanghui.servicedesk import services as servicedesk_services
from shanghui.servicedesk.seed import load_categories
from shanghui.testing import client_for

# His enterprise, its people and memberships, his service requests, the library's public documents,
# his own honours, the notices sent to him, his own party organisation's recruitment dossiers, his account pages, the QR sign-in, the home page and the activity
# calendar of the activities open to his enterprise (with its public feed, which a phone fetches without login) and his answer to an
# invitation.
ENTERPRISE_PAGES = {
    "home", "healthz",
    "accounts:login", "accounts:logout", "accounts:password_change",
    "accounts:totp_setup", "accounts:totp_verify", "accounts:totp_disable",
    "directory:enterprise_detail", "directory:enterprise_edit",
    "directory:person_list", "directory:person_detail",
    "directory:membership_list", "directory:membership_detail",
    "servicedesk:index", "servicedesk:file", "servicedesk:detail", "servicedesk:act",
    "servicedesk:attachment_add", "servicedesk:attachment",
    "servicedesk:notifications", "servicedesk:notifications_read",
    "library:document_list", "library:document_detail", "library:document_download",
    "honors:honor_detail", "honors:honor_evidence",
    "notices:inbox", "notices:inbox_detail", "notices:notice_attachment",
    "activities:signin", "activities:reply_link", "activities:invitation_reply",
    "activities:calendar", "activities:calendar_feed_reset", "activities:calendar_feed",
    # 发展党员: the branch secretary follows his own organisation's candidates (read only).
    "party:candidate_list", "party:candidate_detail", "party:recruitment_step_document", "party:recruitment_todo",
    # The branch secretary reads his own organisation's party dues (party/dues_views.py).
    "party:dues_index", "party:dues_organization", "party:dues_member",
}


def web_patterns() -> dict:
    return {name: p for name, p in url_patterns().items() if not name.startswith(("api:", "admin:"))}


def test_the_allow_list_is_what_the_views_are_marked_with():
    patterns = web_patterns()
    assert ENTERPRISE_PAGES <= set(patterns), sorted(ENTERPRISE_PAGES - set(patterns))
    marked = {name for name, p in patterns.items() if getattr(p.callback, "enterprise_page", False)}
    assert marked == ENTERPRISE_PAGES


def test_every_staff_page_answers_an_enterprise_user_403(cast):
    client = client_for(cast, "enterprise_user_a")
    for name, pattern in web_patterns().items():
        if name in ENTERPRISE_PAGES:
            continue
        # The refusal comes before any lookup: whatever row the URL names.
        kwargs = {k: 1 if isinstance(c, IntConverter) else "x" for k, c in pattern.pattern.converters.items()}
        url = reverse(name, kwargs=kwargs)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 403, f"{method.upper()} {name} answered {response.status_code}"
            assert STAFF_ONLY_MESSAGE in response.content.decode(), name


def test_staff_still_open_staff_pages(cast):
    for who in ("worker_a", "leader"):
        for name in ("activities:dashboard", "party:dashboard", "reports:dashboard", "servicedesk:kpis"):
            assert client_for(cast, who).get(reverse(name)).status_code == 200, (who, name)


LINK = re.compile(r'(?:href|action|hx-get|hx-post)="(/[^"]*)"')


@pytest.fixture
def his_pages(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = cast.enterprise_user_a
    request = servicedesk_services.request_file(by=user, enterprise=cast.enterprise_a, category=load_categories()[0],
                                                title="营业执照变更咨询", description="公司迁址后营业执照地址如何变更？")
    document = library_services.document_create(by=cast.admin, kind="report", title="政策汇编", issuer="东城区工商联",
                                                 date="2018-06-01", region=None, is_public=True, file=docx_upload())
    honors_services.honor_create(by=cast.admin, title="诚信经营示范单位", level="district", issuer="东城区商务局",
                                 year=2019, recipient_kind="enterprise", enterprise=cast.enterprise_a)
    notice = notices_services.notice_create(by=cast.worker_a, title="座谈会通知", body="请参加。", region=cast.street_a,
                                            audience="enterprises", enterprises=[cast.enterprise_a],
                                            attachment=docx_upload())
    return [
        reverse("home"),
        reverse("directory:enterprise_detail", args=[cast.enterprise_a.pk]),
        reverse("directory:enterprise_edit", args=[cast.enterprise_a.pk]),
        reverse("directory:person_list"),
        reverse("directory:person_detail", args=[cast.person_a.pk]),
        reverse("directory:membership_list"),
        reverse("directory:membership_detail", args=[cast.membership_a.pk]),
        reverse("servicedesk:index"),
        reverse("servicedesk:file"),
        reverse("servicedesk:detail", args=[request.pk]),
        reverse("servicedesk:notifications"),
        reverse("library:document_list"),
        reverse("library:document_detail", args=[document.pk]),
        reverse("notices:inbox"),
        reverse("notices:inbox_detail", args=[notice.pk]),
        reverse("activities:calendar"),
        reverse("activities:calendar") + "?view=list",
        reverse("accounts:password_change"),
        reverse("accounts:totp_setup"),
        reverse("party:candidate_list"),
        reverse("party:recruitment_todo"),
    ]


def test_the_enterprise_users_pages_link_to_no_staff_page(cast, his_pages, settings):
    client = client_for(cast, "enterprise_user_a")
    staff_links = []
    for url in his_pages:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        for link in sorted(set(LINK.findall(response.content.decode()))):
            path = link.split("?")[0].split("#")[0]
            if not path.startswith((settings.STATIC_URL, settings.MEDIA_URL)) \
                    and not getattr(resolve(path).func, "enterprise_page", False):
                staff_links.append(f"{url} → {link}")
    assert not staff_links, "links to staff pages: " + "; ".join(staff_links)


def test_his_pages_offer_no_export_or_import_and_the_staff_exports_refuse_him(cast, his_pages):
    # The list template shows the export buttons only to whom `opens` them (core/templatetags/shanghui_ui.py).
    his, staff = client_for(cast, "enterprise_user_a"), client_for(cast, "worker_a")
    exports = set()
    for url in his_pages:
        page = his.get(url, follow=True).content.decode()
        assert "导出" not in page and "导入" not in page and "/export" not in page, url
        exports |= {link for link in LINK.findall(staff.get(url, follow=True).content.decode()) if "export" in link}
    assert {reverse("directory:person_export"), reverse("directory:membership_export"),
            reverse("library:document_export")} <= {link.split("?")[0] for link in exports}
    for link in sorted(exports):
        assert his.get(link).status_code == 403, link


@pytest.mark.parametrize(("name", "marks"), [
    ("directory:person_list", ['name="region"', '<th class="d-none d-lg-table-cell">街道</th>']),
    ("directory:membership_list", ['name="chamber"']),
    ("notices:inbox", ['name="audience"']),
])
def test_his_lists_drop_the_district_filters_and_the_street_column(cast, his_pages, name, marks):
    # ListFilter.staff_fields (core/crud.py): streets, chambers and audiences sort the district's rows, not his.
    his = client_for(cast, "enterprise_user_a").get(reverse(name)).content.decode()
    staff = client_for(cast, "worker_a").get(reverse(name), follow=True).content.decode()  # his inbox is her list
    for mark in marks:
        assert mark not in his and mark in staff, mark


def test_his_request_list_shows_no_enterprise_or_street_column(cast, his_pages):
    page = client_for(cast, "enterprise_user_a").get(reverse("servicedesk:index")).content.decode()
    assert "<th>标题</th>" in page and "<th>企业</th>" not in page and "<th>街道</th>" not in page
    staff = client_for(cast, "worker_a").get(reverse("servicedesk:index")).content.decode()
    assert "<th>企业</th>" in staff and "<th>街道</th>" in staff


@pytest.mark.parametrize(("name", "args"), [("directory:person_unmask", "person"), ("imports:export_plain", "kind")])
def test_his_refused_unmasking_and_plaintext_export_are_audited(cast, name, args):
    url = reverse(name, args=[cast.person_a.pk if args == "person" else "persons"])
    response = client_for(cast, "enterprise_user_a").post(url, {"reason": "核对身份", "format": "csv"})
    assert response.status_code == 403 and cast.person_a.mobile not in response.content.decode()
    event = AuditEvent.objects.get(action="page_refused")
    assert (event.actor, event.success, event.extra) == (cast.enterprise_user_a, False,
                                                         {"page": name, "method": "POST"})
    assert not AuditEvent.objects.filter(action__in=["unmask", "export_plain"]).exists()


def test_a_link_is_judged_by_its_page_under_any_script_prefix_and_an_unknown_one_is_left_to_the_middleware(cast):
    from django.urls import set_script_prefix

    from shanghui.core.templatetags.shanghui_ui import opens

    staff_page, his_page = reverse("activities:dashboard"), reverse("library:document_list")
    assert not opens(cast.enterprise_user_a, staff_page) and opens(cast.enterprise_user_a, his_page)
    assert opens(cast.worker_a, staff_page)
    assert opens(cast.enterprise_user_a, "/no/such/page/")
    set_script_prefix("/shanghui/")
    try:
        assert not opens(cast.enterprise_user_a, "/shanghui" + staff_page)
        assert opens(cast.enterprise_user_a, "/shanghui" + his_page + "?page=2")
    finally:
        set_script_prefix("/")
