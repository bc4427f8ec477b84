"""Every page of every role, on a 390 px phone: no text squeezed to one character a line, no control
on top of another.

Each role's test signs in once and walks one browser page through the pages it may open: every GET
page without arguments (lists, create forms, dashboards) and, following the links of the pages it
has seen, one page of every URL name that takes arguments (details, edit forms). Pages that do not
answer the role with 200 and HTML are skipped. The data are a small demo data set (long realistic
names, every app filled), built once for the module and loaded again for each test (a live-server
test empties the database after itself).

SHANGHUI_SCREENS=1 also saves a few key pages to docs/screens/.
"""

import itertools
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core import serializers
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import Resolver404, resolve, reverse

from shanghui.accounts.models import User
from shanghui.core.tests.test_url_access import url_patterns
from shanghui.demo.generator import generate
from shanghui.testing import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

ROLES = {
    "admin": "fic_admin",
    "worker": "dhm_worker",
    "leader": "leader",
    "instructor": "dhm_instructor",
    "handler": "dhm_market",
    "enterprise_user": "dhm_enterprise",
    "auditor": "auditor",
}
# The API and the Django admin have their own look; the poster is an A4 sheet to print.
SKIP_PREFIXES = ("api:", "admin:", "activities:activity_poster")
CONTRIB_APPS = ["django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
                "django.contrib.sessions"]
SCREENS = {  # (role, URL name) → file in docs/screens/
    ("enterprise_user", "directory:enterprise_detail"): "phone-enterprise-own-page.png",
    ("enterprise_user", "home"): "phone-enterprise-home.png",
    ("enterprise_user", "activities:calendar"): "phone-calendar.png",
    ("enterprise_user", "notices:inbox_detail"): "phone-notice.png",
    ("worker", "activities:invite"): "phone-invite.png",
    ("enterprise_user", "servicedesk:index"): "phone-my-requests.png",
    ("leader", "reports:dashboard"): "phone-leader-dashboard.png",
    ("worker", "activities:activity_detail"): "phone-activity-detail.png",
}
SCREENS_DIR = Path(__file__).resolve().parents[3] / "docs" / "screens"

# Text squeezed to one character a line: a text node of 2+ characters laid out on 2+ lines, each
# line narrower than two characters. Controls on top of each other: two visible buttons, inputs,
# selects or links whose boxes overlap by more than a shared border.
CHECK = """() => {
  const problems = [];
  const visible = (el) => {
    const s = getComputedStyle(el);
    return s.visibility !== "hidden" && s.display !== "none";
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.replace(/\\s+/g, "");
    const parent = node.parentElement;
    if (text.length < 2 || !parent || !visible(parent)) continue;
    range.selectNodeContents(node);
    const lines = Array.from(range.getClientRects()).filter((r) => r.width > 0);
    const em = parseFloat(getComputedStyle(parent).fontSize);
    if (lines.length >= 2 && lines.every((r) => r.width < 1.9 * em)) {
      problems.push(`one character a line: "${text.slice(0, 30)}" in <${parent.tagName.toLowerCase()} class="${parent.className}">`);
    }
  }
  const controls = Array.from(document.querySelectorAll(
    "button, input:not([type=hidden]), select, textarea, a[href]")).filter((el) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && visible(el) && el.checkVisibility();
    });
  const name = (el) => `<${el.tagName.toLowerCase()}> "${(el.innerText || el.name || el.value || "").trim().slice(0, 20)}"`;
  // A link that wraps has a box per line: compare those, not the box around them all.
  const boxes = controls.map((el) => Array.from(el.getClientRects()));
  const overlap = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 2
    && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 2;
  for (let i = 0; i < controls.length; i++) {
    for (let j = i + 1; j < controls.length; j++) {
      if (controls[i].contains(controls[j]) || controls[j].contains(controls[i])) continue;
      if (boxes[i].some((a) => boxes[j].some((b) => overlap(a, b)))) {
        problems.push(`overlap: ${name(controls[i])} and ${name(controls[j])}`);
      }
    }
  }
  // A mobile browser widens its layout viewport to the content: compare with the screen.
  if (document.documentElement.scrollWidth > screen.width) {
    problems.push(`page wider than the screen: ${document.documentElement.scrollWidth} px`);
  }
  return problems;
}"""


@pytest.fixture(scope="module")
def demo_dump(django_db_setup, django_db_blocker):
    """The demo data set as Django's test serialization, built once and rolled back."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            generate(seed=3, enterprises=40)
            # Content types and permissions are made again after each test's flush (with new ids).
            with override_settings(TEST_NON_SERIALIZED_APPS=CONTRIB_APPS):
                dump = connection.creation.serialize_db_to_string()
            transaction.set_rollback(True)
    return dump


@pytest.fixture
def demo(demo_dump, transactional_db):
    # In bulk, table by table: a row-by-row load takes longer than generating the data. The audit
    # chain (append-only, no bulk writes) is written row by row. The triggers write their counters
    # as the rows come in: the dump's copies of them are left out.
    rows = list(serializers.deserialize("json", demo_dump))
    with transaction.atomic(), connection.constraint_checks_disabled():
        for model, group in itertools.groupby(rows, key=lambda row: type(row.object)):
            if model._meta.app_label == "audit":
                for row in group:
                    row.save()
            else:
                model.objects.bulk_create([row.object for row in group], ignore_conflicts=True)
        for row in rows:
            for field, values in (row.m2m_data or {}).items():
                if values:
                    getattr(row.object, field).set(values)
    for user in User.objects.all():  # the login fixture types the test password
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])


def _page(client: Client, path: str) -> bool:
    """Whether `path` answers a whole HTML page (not a file, JSON or an htmx fragment)."""
    response = client.get(path)
    return (response.status_code == 200 and response["Content-Type"].startswith("text/html")
            and response.content.lstrip()[:15].lower() == b"<!doctype html>")


def _name(path: str) -> str | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name


def walk(phone, live_server, role: str) -> tuple[int, list[str]]:
    """Visit the role's pages on `phone` (signed in): how many, and the problems found, each naming its page."""
    client = Client()
    client.force_login(User.objects.get(username=ROLES[role]))
    todo = [reverse(name) for name, pattern in url_patterns().items()
            if not name.startswith(SKIP_PREFIXES) and not pattern.pattern.regex.groups]
    # The search page with hits in every group (snippets, highlights), not only its empty form.
    todo.append(reverse("reports:search") + "?q=东城")
    seen = {_name(path) for path in todo}
    visited, problems = 0, []
    while todo:
        path = todo.pop(0)
        if not _page(client, path):
            continue
        phone.goto(live_server.url + path)
        visited += 1
        problems += [f"{role} {path}: {p}" for p in phone.evaluate(CHECK)]
        screen = SCREENS.get((role, _name(path)))
        if screen and os.environ.get("SHANGHUI_SCREENS"):
            SCREENS_DIR.mkdir(parents=True, exist_ok=True)
            phone.screenshot(path=SCREENS_DIR / screen, full_page=True)
        for href in phone.eval_on_selector_all("main a[href]", "links => links.map(a => a.getAttribute('href'))"):
            name = _name(href) if href.startswith("/") and not href.startswith("//") else None
            if name and name not in seen and not name.startswith(SKIP_PREFIXES):
                seen.add(name)
                todo.append(href)
    return visited, problems


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_reads_on_a_phone(demo, role, phone, live_server, login):
    login(phone, User.objects.get(username=ROLES[role]))
    visited, problems = walk(phone, live_server, role)
    assert visited > 5, f"{role} opened only {visited} pages"
    assert not problems, "\n".join(problems)
