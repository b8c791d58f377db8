"""``python -m bench`` (``make bench``): every benchmark at its default size, one after
another, each writing ``bench/results/<name>.json`` and ``.md``. One at a time:
``python -m bench.<name> --help``."""

from __future__ import annotations

import subprocess
import sys

BENCHMARKS: tuple[tuple[str, ...], ...] = (
    ("bench.yardstick",),
    ("bench.mt940_bench",),
    ("bench.camt_bench",),
    ("bench.coda_ofx_bench",),
    ("bench.ledger_bench",),
    ("bench.import_bench",),
    ("bench.quality_bench",),
    ("bench.instructions",),
    ("bench.goal_bench",),
    ("bench.goal_bench", "--postgres"),
)


def main() -> None:
    failed = []
    for name, *args in BENCHMARKS:
        print(f"== {' '.join((name, *args))}", flush=True)
        if subprocess.run([sys.executable, "-m", name, *args], check=False).returncode != 0:
            failed.append(" ".join((name, *args)))
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
