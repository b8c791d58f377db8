"""What the benches share: writing a result as JSON and as a markdown table, and the
options that give a generated scale run its shape."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bankbridge.demo.generate import Shape


def save(stem: Path, data: Any, rows: Sequence[str]) -> str:
    """Write ``data`` to ``stem.json`` and ``rows`` to ``stem.md`` (the folder made when
    missing); returns the markdown, for the bench to print."""
    stem.parent.mkdir(parents=True, exist_ok=True)
    stem.with_name(stem.name + ".json").write_text(json.dumps(data, indent=2) + "\n")
    text = "\n".join(rows) + "\n"
    stem.with_name(stem.name + ".md").write_text(text)
    return text


def shape_options(
    parser: argparse.ArgumentParser,
    *,
    administrations: int,
    relations: int,
    items_per_relation: float,
    days: int | None = None,
) -> None:
    """``--administrations``, ``--relations`` (per administration), ``--items-per-relation``
    and, given a default, ``--days``."""
    parser.add_argument("--administrations", type=int, default=administrations)
    parser.add_argument("--relations", type=int, default=relations, help="per administration")
    parser.add_argument("--items-per-relation", type=float, default=items_per_relation)
    if days is not None:
        parser.add_argument("--days", type=int, default=days)


def name_option(parser: argparse.ArgumentParser, default: str) -> None:
    """``--name``: the results' file name in ``bench/results`` (a run of another shape or
    code need not overwrite the figures kept in the repository)."""
    parser.add_argument("--name", default=default, help=f"write bench/results/NAME.json and .md (default: {default})")


def shape_of(args: argparse.Namespace) -> Shape:
    """The shape the options of :func:`shape_options` give."""
    return Shape(args.administrations, args.relations, args.items_per_relation)
