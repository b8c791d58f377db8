"""The command line loads only what a command needs: ``--help`` and ``parse`` start without
the database layer, and the work list without the statement readers or the matching
engine (each of those costs a visible part of a second on every call)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BANKBRIDGE = str(Path(sys.executable).with_name("bankbridge"))
CORPUS = (Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus").resolve()
MT940 = CORPUS / "mt940" / "jejik-mt940" / "abnamro.txt"

PROBE = """
import sys
from bankbridge.cli.main import main
sys.argv = ["bankbridge", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
sys.stdout.flush()
sys.stderr.write("LOADED " + " ".join(sorted(sys.modules)) + "\\n")
"""


def loaded(*args: str, cwd: Path) -> set[str]:
    """The modules imported by the end of ``bankbridge ARGS``."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )
    line = next((x for x in result.stderr.splitlines() if x.startswith("LOADED ")), None)
    assert line is not None, result.stderr
    return set(line.split()[1:])


@pytest.mark.parametrize("args", [("--help",), ("lines", "--help")])
def test_help_needs_no_database_layer(tmp_path: Path, args: tuple[str, ...]) -> None:
    modules = loaded(*args, cwd=tmp_path)
    assert "bankbridge.cli.main" in modules
    for heavy in ("sqlalchemy", "pydantic_settings", "bankbridge.formats.registry", "bankbridge.matching.engine"):
        assert heavy not in modules, heavy


def test_parse_reads_without_the_database_layer(tmp_path: Path) -> None:
    modules = loaded("parse", str(MT940), cwd=tmp_path)
    assert "bankbridge.formats.mt940" in modules  # it did read the file
    assert "sqlalchemy" not in modules
    assert "bankbridge.matching.engine" not in modules


def test_the_work_list_needs_neither_readers_nor_engine(tmp_path: Path) -> None:
    init = subprocess.run([BANKBRIDGE, "init"], cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert init.returncode == 0, init.stderr
    modules = loaded("lines", cwd=tmp_path)
    assert "bankbridge.services.worklist" in modules  # it did list
    for heavy in ("bankbridge.formats.registry", "bankbridge.matching.engine", "bankbridge.services.importing"):
        assert heavy not in modules, heavy
