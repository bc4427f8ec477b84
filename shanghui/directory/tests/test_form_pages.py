import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ENCRYPTION_NOTE = "身份证号码和手机号码加密保存"
SELF_EDIT_NOTE = "企业用户可以更正地址、从业人数、规模和行业"


@pytest.mark.parametrize("name, args", [("person_create", []), ("person_edit", ["person_a"])])
def test_the_person_form_says_the_numbers_are_encrypted(client, cast, name, args):
    client.force_login(cast.worker_a)
    html = client.get(reverse(f"directory:{name}", args=[getattr(cast, a).pk for a in args])).content.decode()
    assert ENCRYPTION_NOTE in html


def test_an_enterprise_user_is_told_what_he_may_correct_and_offered_no_delete(client, cast):
    client.force_login(cast.enterprise_user_a)
    response = client.get(reverse("directory:enterprise_edit", args=[cast.enterprise_a.pk]))
    html = response.content.decode()
    assert SELF_EDIT_NOTE in html
    assert reverse("directory:enterprise_delete", args=[cast.enterprise_a.pk]) not in html
    assert client.get(reverse("directory:enterprise_delete", args=[cast.enterprise_a.pk])).status_code == 403


def test_a_street_worker_edits_the_whole_enterprise_without_the_note_and_may_delete(client, cast):
    client.force_login(cast.worker_a)
    html = client.get(reverse("directory:enterprise_edit", args=[cast.enterprise_a.pk])).content.decode()
    assert SELF_EDIT_NOTE not in html
    assert reverse("directory:enterprise_delete", args=[cast.enterprise_a.pk]) in html
    assert SELF_EDIT_NOTE not in client.get(reverse("directory:enterprise_create")).content.decode()


@pytest.mark.parametrize("name, title", [
    ("directory:enterprise_create", "新增企业"), ("directory:person_create", "新增人员"),
    ("directory:membership_create", "新增会员关系"), ("orgs:chamber_create", "新增商会"),
])
def test_create_pages_keep_their_headings(client, cast, name, title):
    client.force_login(cast.admin)
    assert f"<title>{title}" in client.get(reverse(name)).content.decode()


def test_a_region_with_one_allowed_choice_starts_chosen_on_every_service_form(cast):
    from shanghui.directory.forms import EnterpriseForm, PersonForm

    for form_class in (EnterpriseForm, PersonForm):
        assert form_class(user=cast.worker_a)["region"].value() == cast.street_a.pk
        assert form_class(user=cast.admin)["region"].value() is None  # several streets: the admin picks one
