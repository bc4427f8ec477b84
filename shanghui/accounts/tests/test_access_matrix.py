"""The access matrix: role × own/other scope × list/detail/create/edit/delete/export,
for every register resource of the web UI. Every cell is asserted.

"Own" is a row inside the user's scope (street A, or enterprise A for the
enterprise user); "other" is a row outside it (street B for street-level users,
another district for district-level users and the superuser).
"""

import datetime as dt
import random

import pytest
from django.test import Client
from django.urls import reverse

from shanghui.directory.models import Enterprise, Membership, Person
from shanghui.orgs.models import Chamber, Region
from shanghui.testing import assert_row, make_id_number, make_uscc

RESOURCES = {"chamber": ("orgs", Chamber), "enterprise": ("directory", Enterprise),
             "person": ("directory", Person), "membership": ("directory", Membership)}

# Columns: own listed, other listed, detail own, detail other, create page, edit own, edit other,
# delete own, delete other, own in export, other in export.
ALL = "+ - 200 404 200 200 404 200 404 + -"
READ_ONLY = "+ - 200 404 403 403 404 403 404 + -"
NOTHING = "- - 404 404 403 404 404 404 404 - -"
# An enterprise user's staff pages (accounts/pages.py): 403 whatever the row.
STAFF_PAGES = "- - 403 403 403 403 403 403 403 403 403"
EXPECTED = {
    "superuser": {r: "+ + 200 200 200 200 200 200 200 + +" for r in RESOURCES},
    "admin": {r: ALL for r in RESOURCES},
    "worker_a": {r: ALL for r in RESOURCES},
    "leader": {r: READ_ONLY for r in RESOURCES},
    "instructor_a": {r: READ_ONLY for r in RESOURCES},
    "handler_a": {r: READ_ONLY for r in RESOURCES},
    # He opens his enterprise (and corrects it), its people and memberships; the registers' other pages
    # and every export are staff pages.
    "enterprise_user_a": {
        "chamber": STAFF_PAGES,
        "enterprise": "- - 200 404 403 200 404 403 403 403 403",
        "person": "+ - 200 404 403 403 403 403 403 403 403",
        "membership": "+ - 200 404 403 403 403 403 403 403 403",
    },
    "auditor": {r: NOTHING for r in RESOURCES},
    "anonymous": {r: "- - 302 302 302 302 302 302 302 302 302" for r in RESOURCES},
}
# Which street's rows are "other" for each user.
OTHER_SCOPE = {"superuser": "x", "admin": "x", "leader": "x"}


@pytest.fixture
def world(cast):
    """The cast plus a second district (西城区) with a row of each kind."""
    rng = random.Random(11)
    xicheng = Region.objects.create(code="110102", name="西城区", level="district", parent=cast.district.parent)
    street_x = Region.objects.create(code="110102001", name="西长安街街道", level="street", parent=xicheng)
    chamber_x = Chamber.objects.create(name="西长安街街道商会", kind="street", region=street_x)
    enterprise_x = Enterprise.objects.create(uscc=make_uscc(rng, "110102"), name="西城测试有限公司", region=street_x)
    person_x = Person(name="钱西城", region=street_x, enterprise=enterprise_x)
    person_x.set_id_number(make_id_number(rng))
    person_x.save()
    membership_x = Membership.objects.create(chamber=chamber_x, enterprise=enterprise_x, joined=dt.date(2019, 1, 1))
    rows = {
        "a": {"chamber": cast.chamber_a, "enterprise": cast.enterprise_a, "person": cast.person_a,
              "membership": cast.membership_a},
        "b": {"chamber": cast.chamber_b, "enterprise": cast.enterprise_b, "person": cast.person_b,
              "membership": cast.membership_b},
        "x": {"chamber": chamber_x, "enterprise": enterprise_x, "person": person_x, "membership": membership_x},
    }
    return cast, rows


def label(obj) -> str:
    # The text by which a row is recognised in a list page or an export.
    if isinstance(obj, Membership):
        return obj.enterprise.name if obj.enterprise_id else obj.person.name
    return obj.name


def _status(client, url, method="get"):
    return getattr(client, method)(url).status_code


def _export_text(client, url) -> str | int:
    response = client.get(url, {"format": "csv"})
    if response.status_code != 200:
        return response.status_code
    return b"".join(response.streaming_content).decode("utf-8-sig")


@pytest.mark.parametrize("role", list(EXPECTED))
@pytest.mark.parametrize("resource", list(RESOURCES))
def test_access_matrix(world, role, resource):
    cast, rows = world
    client = Client()
    if role != "anonymous":
        client.force_login(cast.users()[{"enterprise_user_a": "enterprise_user_a"}.get(role, role)])
    app, model = RESOURCES[resource]
    own, other = rows["a"][resource], rows[OTHER_SCOPE.get(role, "b")][resource]
    # The membership list shows the member's name; make sure "other" is not listed under own's name.
    expected = EXPECTED[role][resource].split()
    name = f"{app}:{resource}"

    list_page = client.get(reverse(f"{name}_list"))
    list_text = list_page.content.decode() if list_page.status_code == 200 else ""
    export = _export_text(client, reverse(f"{name}_export"))
    actual = [
        "+" if label(own) in list_text else "-",
        "+" if label(other) in list_text else "-",
        str(_status(client, reverse(f"{name}_detail", args=[own.pk]))),
        str(_status(client, reverse(f"{name}_detail", args=[other.pk]))),
        str(_status(client, reverse(f"{name}_create"))),
        str(_status(client, reverse(f"{name}_edit", args=[own.pk]))),
        str(_status(client, reverse(f"{name}_edit", args=[other.pk]))),
        str(_status(client, reverse(f"{name}_delete", args=[own.pk]))),
        str(_status(client, reverse(f"{name}_delete", args=[other.pk]))),
        export if isinstance(export, int) else ("+" if label(own) in export else "-"),
        export if isinstance(export, int) else ("+" if label(other) in export else "-"),
    ]
    actual = [str(a) for a in actual]
    columns = ["list own", "list other", "detail own", "detail other", "create", "edit own", "edit other",
               "delete own", "delete other", "export own", "export other"]
    assert_row(f"{role} × {resource}", columns, expected, actual)

    # A refused delete, posted anyway, answers the same and deletes nothing.
    for obj, code in ((own, expected[7]), (other, expected[8])):
        if code != "200":
            assert str(_status(client, reverse(f"{name}_delete", args=[obj.pk]), "post")) == code
            assert model.objects.filter(pk=obj.pk).exists()
