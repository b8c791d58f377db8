"""Run a command in a fresh process and measure its wall time and peak memory (RSS).

``python -m bench.measure CMD…`` prints one JSON object: ``seconds``, ``peak_rss_mib``,
``returncode``. Each measurement is its own process, so ``RUSAGE_CHILDREN`` holds exactly
the measured command.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from typing import Any


def measure(cmd: list[str], *, env: dict[str, str] | None = None, cwd: str | None = None) -> dict[str, Any]:
    """Measure ``cmd`` in a fresh helper process (so earlier children do not count)."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.measure", *cmd], capture_output=True, text=True, env=env, cwd=cwd, check=False
    )
    lines = out.stdout.strip().splitlines()
    if not lines:
        raise RuntimeError(f"measurement of {cmd} failed: {out.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(lines[-1])
    if result["returncode"] != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {result['returncode']}: {out.stderr[-2000:]}")
    return result


def _main() -> None:
    start = time.perf_counter()
    proc = subprocess.run(sys.argv[1:], check=False, stdout=subprocess.DEVNULL, stderr=sys.stderr)
    seconds = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(
        json.dumps(
            {"seconds": round(seconds, 3), "peak_rss_mib": round(peak_kib / 1024, 1), "returncode": proc.returncode}
        )
    )


if __name__ == "__main__":
    _main()
