"""Settings: SQLite runs in WAL with IMMEDIATE transactions; production refuses to start unsafe."""

import os
import subprocess
import sys

from kolops.settings.base import database_from_url


def test_sqlite_uses_wal_and_immediate_transactions(tmp_path):
    config = database_from_url(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


def test_postgresql_url_selects_postgresql():
    config = database_from_url("postgresql://postgres@127.0.0.1:5432/kolops")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "kolops"


def _import_production(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KOLOPS_")}
    return subprocess.run(
        [sys.executable, "-c", "import kolops.settings.production"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _import_production({"KOLOPS_ALLOWED_HOSTS": "kolops.example.com"})
    assert result.returncode != 0
    assert "KOLOPS_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _import_production({"KOLOPS_SECRET_KEY": "x" * 64})
    assert result.returncode != 0
    assert "KOLOPS_ALLOWED_HOSTS" in result.stderr


def test_production_starts_when_both_are_set():
    result = _import_production({"KOLOPS_SECRET_KEY": "x" * 64, "KOLOPS_ALLOWED_HOSTS": "kolops.example.com"})
    assert result.returncode == 0, result.stderr
