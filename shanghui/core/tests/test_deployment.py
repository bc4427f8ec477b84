"""The production profile: `check --deploy` is clean, keys come from outside, waitress serves the site."""

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from cryptography.fernet import Fernet
from django.conf import settings

PROFILE = "shanghui.settings_production"


@pytest.fixture
def prod_env(tmp_path):
    """A production environment with its keys outside the data directory."""
    keys, data = tmp_path / "keys", tmp_path / "data"
    keys.mkdir()
    (keys / "field.key").write_bytes(Fernet.generate_key())
    (keys / "secret_key").write_text(secrets.token_urlsafe(60))
    # Nothing from the test process's own environment that a deployment would not have
    # (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly flags).
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "SECRET_KEY", "SHANGHUI_FIELD_KEY", "DEBUG", "SHANGHUI_PRODUCTION",
                        "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(DJANGO_SETTINGS_MODULE=PROFILE, SECRET_KEY_FILE=str(keys / "secret_key"),
               SHANGHUI_FIELD_KEY_FILE=str(keys / "field.key"), SHANGHUI_DATA_DIR=str(data),
               ALLOWED_HOSTS="shanghui.example.org,127.0.0.1", SHANGHUI_TLS="1")
    return env


def _manage(env, *args, timeout=300):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=settings.PROJECT_DIR, env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_check_deploy_reports_nothing_under_the_production_profile(prod_env):
    result = _manage(prod_env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)" in result.stdout
    assert not os.path.exists(os.path.join(prod_env["SHANGHUI_DATA_DIR"], "secret_key"))  # none invented


@pytest.mark.parametrize("missing, message", [
    ("SECRET_KEY_FILE", "SECRET_KEY"),
    ("SHANGHUI_FIELD_KEY_FILE", "SHANGHUI_FIELD_KEY"),
    ("ALLOWED_HOSTS", "ALLOWED_HOSTS"),
])
def test_production_refuses_to_start_without_its_keys(prod_env, missing, message):
    del prod_env[missing]
    result = _manage(prod_env, "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_production_refuses_a_field_key_kept_in_the_data_directory(prod_env, tmp_path):
    inside = tmp_path / "data" / "field.key"
    inside.parent.mkdir(exist_ok=True)
    inside.write_bytes(Fernet.generate_key())
    prod_env["SHANGHUI_FIELD_KEY_FILE"] = str(inside)
    result = _manage(prod_env, "check")
    assert result.returncode != 0 and "不能放在数据目录" in result.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, headers: dict) -> tuple[int, dict, bytes]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


@contextlib.contextmanager
def _serving(env: dict, port: int):
    """`manage.py serve` as a subprocess, yielding its base URL once it answers; its output is checked after."""
    server = subprocess.Popen([sys.executable, "manage.py", "serve", "--port", str(port)], cwd=settings.PROJECT_DIR,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                _get(base + "/accounts/login/", {})
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    server.kill()
                    pytest.fail(f"serve did not start:\n{server.communicate()[0]}")
                time.sleep(0.5)
        yield base
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert "Traceback" not in output, output


def test_serve_starts_with_only_the_required_environment(prod_env):
    """Every optional variable left out: no proxy, no port, no TLS switch, no threads, no CSRF origins."""
    minimal = {name: prod_env[name] for name in ("DJANGO_SETTINGS_MODULE", "SECRET_KEY_FILE",
                                                 "SHANGHUI_FIELD_KEY_FILE", "ALLOWED_HOSTS", "SHANGHUI_DATA_DIR")}
    minimal.update({name: os.environ[name] for name in ("PATH", "PYTHONPATH") if name in os.environ})
    assert _manage(minimal, "migrate", "-v0").returncode == 0
    with _serving(minimal, _free_port()) as base:
        status, headers, _ = _get(base + "/accounts/login/", {})
    # TLS is on by default: plain HTTP is answered by the site itself with its redirect to HTTPS.
    assert status == 301 and headers["Location"] == base.replace("http://", "https://") + "/accounts/login/"
    assert headers["Server"] == "shanghui"


def test_serve_runs_waitress_with_security_headers_and_static_files(prod_env):
    prod_env.update(SHANGHUI_TRUSTED_PROXY="127.0.0.1")
    assert _manage(prod_env, "migrate", "-v0").returncode == 0
    with _serving(prod_env, _free_port()) as base:
        status, headers, body = _get(base + "/accounts/login/", {"X-Forwarded-Proto": "https"})
        assert status == 200 and headers["Server"] == "shanghui"
        assert headers["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
        assert "Secure" in headers["Set-Cookie"]
        # Plain HTTP is sent to HTTPS.
        status, headers, _ = _get(base + "/accounts/login/", {})
        assert status == 301 and headers["Location"].startswith("https://")
        # Static files come from the same process (WhiteNoise), with hashed names after collectstatic.
        css = next(part.split('"')[0] for part in body.decode().split('href="')[1:] if part.startswith("/static/")
                   and ".css" in part.split('"')[0])
        status, headers, content = _get(base + css, {"X-Forwarded-Proto": "https"})
        assert status == 200 and headers["Content-Type"].startswith("text/css") and content
