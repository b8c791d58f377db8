"""``bankbridge sandbox-bank`` through the real console script: it starts on loopback with the
demo seed and its own database, logs JSON lines, and refuses bad options with one sentence."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bankbridge.sandbox.testing import free_port

BANKBRIDGE = str(Path(sys.executable).with_name("bankbridge"))


def test_starts_with_the_demo_seed_on_its_own_database(tmp_path: Path) -> None:
    port = free_port()
    database = tmp_path / "sandbox.db"
    process = subprocess.Popen(
        [BANKBRIDGE, "sandbox-bank", "--port", str(port), "--database", f"sqlite:///{database}"],
        cwd=tmp_path,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        health = None
        for _ in range(100):
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert health is not None and health.json()["status"] == "ok"
        spec = httpx.get(f"http://127.0.0.1:{port}/openapi.json").json()
        assert "/v1/accounts" in spec["paths"]
    finally:
        process.terminate()
        _, err = process.communicate(timeout=10)
    assert database.exists()
    logged = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert any(entry.get("path") == "/health" and entry.get("status") == 200 for entry in logged)


def test_bad_seed_file_is_one_sentence_and_exit_code_1(tmp_path: Path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text("customers:\n  - id: x\n    name: X\n    accounts:\n      - {iban: NL00RABO0000000001, name: a}\n")
    result = subprocess.run(
        [BANKBRIDGE, "sandbox-bank", "--seed", str(seed), "--database", f"sqlite:///{tmp_path / 'b.db'}"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "customers[0].accounts[0].iban" in result.stderr
    assert "Traceback" not in result.stderr


def test_foreign_database_url_is_refused(tmp_path: Path) -> None:
    result = subprocess.run(
        [BANKBRIDGE, "sandbox-bank", "--database", "postgresql://localhost/bank"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "own SQLite database" in result.stderr
