"""The settings module: importing it writes nothing; boolean variables are read strictly."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from shanghui.settings import envbool

# What a development shell might carry that would change where the settings look.
LOCATIONS = {"SECRET_KEY", "SECRET_KEY_FILE", "DEBUG", "SHANGHUI_PRODUCTION", "DATABASE_URL", "SHANGHUI_SQLITE_PATH",
             "SHANGHUI_FIELD_KEY", "SHANGHUI_FIELD_KEY_FILE", "SHANGHUI_BACKUP_DIR", "SHANGHUI_AUDIT_CHECKPOINT_DIR"}


def _python(code: str, data_dir: Path, **extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in LOCATIONS}
    env.update(DJANGO_SETTINGS_MODULE="shanghui.settings", SHANGHUI_DATA_DIR=str(data_dir),
               PYTHONPATH=str(settings.PROJECT_DIR), **extra)
    return subprocess.run([sys.executable, "-c", code], cwd=settings.PROJECT_DIR, env=env,
                          capture_output=True, text=True, timeout=120)


def _tree(root: Path) -> dict[str, int]:
    """Every file and folder under `root` with its mode."""
    found = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            found[str(path.relative_to(root))] = stat.S_IMODE(path.lstat().st_mode)
    return found


IMPORT = "import shanghui.settings as s; from django.conf import settings; settings.DATABASES; print(s.DATA_DIR)"


def test_importing_the_settings_writes_no_file_in_an_empty_data_directory(tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)  # a mode the start-up would tighten: the import must leave it alone
    before = _tree(tmp_path)
    result = _python(IMPORT, data)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(data)
    assert _tree(tmp_path) == before


def test_importing_the_settings_does_not_make_a_missing_data_directory(tmp_path):
    result = _python(IMPORT, tmp_path / "data")
    assert result.returncode == 0, result.stderr
    assert _tree(tmp_path) == {}


def test_the_development_secret_key_is_made_on_first_use_and_kept(tmp_path):
    data = tmp_path / "data"
    read = "from django.conf import settings; print(str(settings.SECRET_KEY))"
    first, second = _python(read, data), _python(read, data)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    key = (data / "secret_key").read_text().strip()
    assert len(key) >= 50 and first.stdout.strip() == second.stdout.strip() == key
    assert stat.S_IMODE((data / "secret_key").stat().st_mode) == 0o600


@pytest.mark.parametrize("value, expected", [
    ("true", True), ("True", True), ("TRUE", True), ("1", True), ("yes", True), ("Yes", True), ("on", True),
    ("ON", True), ("false", False), ("False", False), ("0", False), ("no", False), ("NO", False), ("off", False),
    ("Off", False),
])
def test_envbool_accepts_the_documented_words_in_any_case(monkeypatch, value, expected):
    monkeypatch.setenv("SHANGHUI_TEST_SWITCH", value)
    assert envbool("SHANGHUI_TEST_SWITCH", not expected) is expected


@pytest.mark.parametrize("default", [True, False])
def test_envbool_unset_is_the_default(monkeypatch, default):
    monkeypatch.delenv("SHANGHUI_TEST_SWITCH", raising=False)
    assert envbool("SHANGHUI_TEST_SWITCH", default) is default


@pytest.mark.parametrize("value", ["", "ture", "2", "-1", "y", "n", "enabled", "none", " yes", "off ", "真"])
def test_envbool_refuses_anything_else_naming_the_variable(monkeypatch, value):
    monkeypatch.setenv("SHANGHUI_TEST_SWITCH", value)
    with pytest.raises(ImproperlyConfigured, match="SHANGHUI_TEST_SWITCH"):
        envbool("SHANGHUI_TEST_SWITCH", True)


def test_a_misspelt_boolean_stops_the_settings_from_loading(tmp_path):
    result = _python("import shanghui.settings", tmp_path / "data", DEBUG="ture")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "DEBUG" in result.stderr
