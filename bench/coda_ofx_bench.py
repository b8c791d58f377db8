"""Parse speed of the CODA and OFX readers on large generated files.

Run: ``.venv/bin/python -m bench.coda_ofx_bench [movements]`` (default 20,000). The CODA
file repeats the movement block of the corpus ``sample1.cod`` (records 21/22/23/31/32)
with running sequence numbers; the OFX file repeats one SGML ``STMTTRN``. Prints seconds and
lines per second (untraced run) and the peak traced memory (a second, traced run).
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from bankbridge.formats.coda import FORMAT as CODA
from bankbridge.formats.ofx import FORMAT as OFX
from bankbridge.statements.model import ParseResult

CORPUS = (Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus").resolve()


def coda_file(movements: int) -> bytes:
    lines = (CORPUS / "coda" / "php-coda-parser" / "sample1.cod").read_text("ascii").splitlines()
    block = lines[2:7]
    body = []
    for n in range(1, movements + 1):
        body += [line[:2] + f"{n % 10000:04d}" + line[6:] for line in block]
    return "\n".join([*lines[:2], *body, *lines[-2:]]).encode("ascii")


def ofx_file(movements: int) -> bytes:
    text = (CORPUS / "ofx" / "ofxparse" / "bank_medium.ofx").read_text("ascii")
    start = text.index("<STMTTRN>")
    end = text.index("</STMTTRN>") + len("</STMTTRN>")
    one = text[start:end]
    many = "\n".join(one.replace("00001<", f"{n:05d}<") for n in range(movements))
    return (text[:start] + many + text[text.rindex("</STMTTRN>") + 10 :]).encode("ascii")


def measure(name: str, parse: Callable[..., ParseResult], data: bytes) -> None:
    began = time.perf_counter()
    result = parse(data, source=name)
    seconds = time.perf_counter() - began
    tracemalloc.start()
    parse(data, source=name)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    lines = sum(len(s.lines) for s in result.statements)
    print(
        f"{name}: {len(data) / 1e6:.1f} MB, {lines} lines in {seconds:.2f} s "
        f"({lines / seconds:,.0f} lines/s), peak traced memory {peak / 1e6:.0f} MB"
    )


def main() -> None:
    movements = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    measure("coda", CODA.parse, coda_file(movements))
    measure("ofx", OFX.parse, ofx_file(movements))


if __name__ == "__main__":
    main()
