"""The federation runs its own house in a real browser, without the Django admin: the federation admin
adds a department, stations it at 东华门街道商会 from a date, appoints a new party-building instructor
there and creates her user; she signs in with the initial password, must change it, and lands on her
street. No /admin/ page is asked for on the way."""

import pytest
from django.urls import reverse

from shanghui.accounts.models import User
from shanghui.orgs.models import ChamberDepartment, Department, StaffAssignment

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "Dhm-Instructor-2026!"


def submit(page):
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()


def test_the_federation_admin_sets_up_a_new_instructor_without_the_admin(cast, page, phone, live_server, login):
    asked: list[str] = []
    for p in (page, phone):
        p.on("request", lambda request: asked.append(request.url))
    login(page, cast.admin)

    # 1. A department, stationed at the street chamber from a date.
    page.goto(live_server.url + reverse("orgs:department_create"))
    page.fill("#id_code", "DHM-TY")
    page.fill("#id_name", "区退役军人事务局")
    submit(page)
    department = Department.objects.get(code="DHM-TY")
    page.goto(live_server.url + reverse("orgs:stationing_create"))
    page.select_option("#id_chamber", label=cast.chamber_a.name)
    page.select_option("#id_department", label=department.name)
    page.fill("#id_since", "2026-03-01")
    submit(page)
    stationing = ChamberDepartment.objects.get(chamber=cast.chamber_a, department=department)
    assert str(stationing.since) == "2026-03-01" and stationing.until is None

    # 2. Her user: a party-building instructor of 东华门街道; the initial password is shown once.
    page.goto(live_server.url + reverse("accounts:user_create"))
    page.fill("#id_username", "dhm_li")
    page.fill("#id_display_name", "李晓红")
    page.select_option("#id_role", value="party_instructor")
    page.select_option("#id_region", label=cast.street_a.name)
    submit(page)
    password = page.inner_text(".font-monospace").strip()
    her = User.objects.get(username="dhm_li")
    assert her.must_change_password and her.region == cast.street_a and len(password) >= 8

    # 3. Appointed at the chamber from a date, with her account.
    page.goto(live_server.url + reverse("orgs:staff_create"))
    page.select_option("#id_chamber", label=cast.chamber_a.name)
    page.select_option("#id_kind", value=StaffAssignment.Kind.INSTRUCTOR)
    page.fill("#id_name", "李晓红")
    page.select_option("#id_user", value=str(her.pk))
    page.fill("#id_start", "2026-03-01")
    submit(page)
    assignment = StaffAssignment.objects.get(name="李晓红")
    assert (assignment.chamber, assignment.user, assignment.end) == (cast.chamber_a, her, None)

    # 4. She signs in on her phone, must change the initial password, and lands on her street.
    phone.goto(live_server.url + reverse("accounts:login"))
    phone.fill("input[name=username]", "dhm_li")
    phone.fill("input[name=password]", password)
    phone.locator("form button[type=submit]").first.click()
    phone.wait_for_url(lambda url: reverse("accounts:password_change") in url)
    phone.fill("#id_old_password", password)
    phone.fill("#id_new_password1", NEW_PASSWORD)
    phone.fill("#id_new_password2", NEW_PASSWORD)
    phone.locator("main form button[type=submit]").last.click()
    phone.wait_for_url(lambda url: reverse("accounts:password_change") not in url)
    assert cast.street_a.name in phone.inner_text("main")
    her.refresh_from_db()
    assert not her.must_change_password and her.check_password(NEW_PASSWORD)

    assert asked and not [url for url in asked if "/admin/" in url]
