import itertools
import os
import tempfile
from pathlib import Path

import pytest

from shanghui.testing import make_cast


def pytest_configure(config):
    from django.conf import settings
    from hypothesis import settings as hypothesis_settings

    # The same examples on every run: CI must not go red on a new random draw. Exploring
    # with fresh draws is a deliberate act: HYPOTHESIS_PROFILE=explore.
    hypothesis_settings.register_profile("ci", derandomize=True, database=None)
    hypothesis_settings.register_profile("explore", max_examples=2000)
    hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

    # Real hashing costs ~0.3 s a password; the cast has nine users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Audit checkpoints of throwaway test databases stay out of the real checkpoint folder
    # (each test gets its own, see _own_audit_checkpoints); no automatic ones unless a test asks.
    settings.SHANGHUI_AUDIT_CHECKPOINT_DIR = Path(tempfile.mkdtemp(prefix="shanghui-test-checkpoints-"))
    settings.SHANGHUI_AUDIT_CHECKPOINT_MINUTES = 0


_checkpoint_dirs = itertools.count()

# Every (action, object type) an audit event was written with during the run: the log must name
# each in Chinese (audit/labels.py). Checked at the end of the session, so every path any test
# drives is covered, including the ones no one thought to list.
_audited: set[tuple[str, str]] = set()


@pytest.fixture(scope="session", autouse=True)
def _collect_audit_vocabulary():
    from django.db.models.signals import post_save

    from shanghui.audit.models import AuditEvent

    def seen(sender, instance, created, **kwargs):
        if created:
            _audited.add((instance.action, instance.object_type))

    post_save.connect(seen, sender=AuditEvent, dispatch_uid="tests.audit_vocabulary")
    yield
    post_save.disconnect(sender=AuditEvent, dispatch_uid="tests.audit_vocabulary")


def pytest_sessionfinish(session, exitstatus):
    if exitstatus != 0 or not _audited:
        return
    from shanghui.audit.labels import unlabelled

    if missing := unlabelled(_audited):
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        reporter.write_line(f"审计日志缺少中文名称（在 audit/labels.py 或该应用的 ready() 中登记）：{sorted(missing)}",
                            red=True)
        session.exitstatus = 1


@pytest.fixture(autouse=True)
def _own_audit_checkpoints():
    """Each test's database starts a new audit chain: its checkpoints must not meet another test's.
    The folder is only named here; it is created when a checkpoint is written."""
    from django.conf import settings

    base = settings.SHANGHUI_AUDIT_CHECKPOINT_DIR
    settings.SHANGHUI_AUDIT_CHECKPOINT_DIR = base / str(next(_checkpoint_dirs))
    yield
    settings.SHANGHUI_AUDIT_CHECKPOINT_DIR = base


@pytest.fixture(autouse=True)
def _fresh_settings_cache():
    """Rows saved on the 系统设置 page are cached for a few seconds (core/config.py); a test's rows are
    rolled back with its database, so the next test must not read them from the cache."""
    from shanghui.core import config

    config.clear_cache()
    yield
    config.clear_cache()


@pytest.fixture
def cast(db):
    return make_cast()


@pytest.fixture(scope="session")
def browser():
    """A headless Debian chromium. Missing chromium fails under CI (make test installs it) and skips elsewhere."""
    import os

    from shanghui.browser import CHROMIUM, CHROMIUM_ARGS, chromium_available

    if not chromium_available():
        if os.environ.get("CI"):
            pytest.fail(f"chromium not found at {CHROMIUM}; run scripts/ensure-system-deps")
        pytest.skip("chromium is not installed")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test
    # makes around it are still synchronous, so Django's async guard does not apply.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def _new_page(browser, **screen):
    context = browser.new_context(**screen, locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.set_default_timeout(15000)
    return page


@pytest.fixture
def page(browser):
    page = _new_page(browser)
    yield page
    page.context.close()


@pytest.fixture
def phone(browser):
    """A page on a phone-sized screen."""
    from shanghui.browser import PHONE

    page = _new_page(browser, **PHONE)
    yield page
    page.context.close()


@pytest.fixture
def login(live_server):
    """`login(page, user)` signs `user` in through the login form, as a person does; whoever
    was signed in on that page before is signed out first."""
    from django.urls import reverse

    from shanghui.testing import PASSWORD

    def sign_in(page, user):
        page.context.clear_cookies()
        page.goto(live_server.url + reverse("accounts:login"))
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", PASSWORD)
        page.locator("form button[type=submit]").first.click()
        page.wait_for_url(lambda url: "/accounts/login" not in url)

    return sign_in
