"""``bankbridge init`` / ``ledger load`` / ``ledger dump`` through the real console script:
exit codes and messages of interfaces.md (0 ok, 1 user error without traceback, 2 usage)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bankbridge.demo import BUNDLE

BANKBRIDGE = str(Path(sys.executable).with_name("bankbridge"))


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([BANKBRIDGE, *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def test_init_load_dump_round_trip_with_the_default_sqlite_file(tmp_path: Path) -> None:
    assert run("init", cwd=tmp_path).returncode == 0
    assert (tmp_path / "bankbridge.db").exists()
    loaded = run("ledger", "load", str(BUNDLE), cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    assert "relations 360" in loaded.stderr
    dumped = run("ledger", "dump", "out", cwd=tmp_path)
    assert dumped.returncode == 0, dumped.stderr
    for original in BUNDLE.glob("*.csv"):
        assert (tmp_path / "out" / original.name).read_bytes() == original.read_bytes()


def test_bad_row_exits_1_with_file_line_column_and_no_traceback(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "environments.csv").write_text("code,name,main_environment\nE1,One,\nE2,Two,E9\n")
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert run("--database", db, "init", cwd=tmp_path).returncode == 0
    result = run("--database", db, "ledger", "load", str(bundle), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == "error: environments.csv:3: main_environment: environment 'E9' does not exist"
    assert "Traceback" not in result.stderr


def test_uninitialised_database_is_a_clear_error(tmp_path: Path) -> None:
    result = run("ledger", "dump", "out", cwd=tmp_path)
    assert result.returncode == 1
    assert "run `bankbridge init`" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "bankbridge.db").exists()  # nothing left behind by the refusal
    assert not (tmp_path / "out").exists()


def test_an_empty_sqlite_file_is_not_initialised_either(tmp_path: Path) -> None:
    (tmp_path / "bankbridge.db").write_bytes(b"")
    result = run("lines", cwd=tmp_path)
    assert result.returncode == 1
    assert "not initialised or not up to date; run `bankbridge init`" in result.stderr


def test_unsupported_database_url(tmp_path: Path) -> None:
    result = run("--database", "mysql://x@localhost/db", "init", cwd=tmp_path)
    assert result.returncode == 1
    assert "database 'mysql' is not supported" in result.stderr


def test_usage_error_exits_2(tmp_path: Path) -> None:
    assert run("ledger", "load", cwd=tmp_path).returncode == 2
    assert run("no-such-command", cwd=tmp_path).returncode == 2
