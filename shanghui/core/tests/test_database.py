import pytest
from django.db import connection


@pytest.mark.django_db
def test_sqlite_runs_in_wal_with_full_sync_and_busy_timeout():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite settings only")
    with connection.cursor() as cur:
        # The test database is in memory, where WAL does not apply; check the settings we ask for.
        init = connection.settings_dict["OPTIONS"]["init_command"]
        assert "journal_mode=WAL" in init and "synchronous=FULL" in init
        cur.execute("PRAGMA synchronous")
        assert cur.fetchone()[0] == 2  # FULL
        cur.execute("PRAGMA busy_timeout")
        assert cur.fetchone()[0] == 20000
        cur.execute("PRAGMA foreign_keys")
        assert cur.fetchone()[0] == 1
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_file_database_is_in_wal_mode(tmp_path):
    """A real file database opened with our settings is in WAL mode."""
    import subprocess
    import sys

    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='shanghui.settings'; django.setup();"
        "from django.db import connection; c=connection.cursor(); c.execute('PRAGMA journal_mode');"
        "print(c.fetchone()[0])"
    )
    env = {"SHANGHUI_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "wal"
    assert (tmp_path / "shanghui.sqlite3").exists()
