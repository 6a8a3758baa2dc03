"""`python -m compare engines [--engine a,b,c] [--cases P] ...`: writes `<out>/engines.md`.

Exit status: 0 when every engine that ran agrees on every row it could run, 1 when any row of
any engine fails, 2 for a usage error (unknown case, bad option, torch missing).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from .. import registry
from ..tolerances import DTYPES
from . import EngineError, load
from .page import DEFAULT_ENGINES, EngineRun, overhead_step, per_op_seconds, render, version_of
from .page import write_page as write

OK, FAILED, USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m compare engines",
        description="Run the cases in several engines and write engines.md, side by side.",
    )
    p.add_argument(
        "--engine",
        action="append",
        default=[],
        metavar="NAMES",
        help="engines to compare, comma-separated or repeated: adapter names (dezero, tinygrad, "
        "micrograd), a module with torch's names, path/to/adapter.py or module:Adapter "
        f"(default: {','.join(DEFAULT_ENGINES)})",
    )
    p.add_argument("--cases", action="append", default=[], metavar="PATTERN")
    p.add_argument("--dtype", choices=[*DTYPES, "both"], default="both")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=Path, default=Path("reports"), metavar="DIR")
    p.add_argument("--no-second-order", action="store_true")
    p.add_argument("-q", "--quiet", action="store_true")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exit_:
        return int(exit_.code or 0)
    names = [n for spec in args.engine for n in spec.split(",") if n] or list(DEFAULT_ENGINES)
    cases, unknown = registry.select(args.cases)
    if unknown:
        _err(f"error: no case matches {', '.join(map(repr, unknown))} (--list shows them all)")
        return USAGE
    try:
        import torch
    except ImportError:
        _err('error: the comparison needs torch: pip install -c constraints.txt -e ".[compare]"')
        return USAGE
    if args.out.exists() and not args.out.is_dir():
        _err(f"error: --out {str(args.out)!r} is not a folder")
        return USAGE

    from ..env import environment
    from ..run import run_cases

    dtypes = DTYPES if args.dtype == "both" else (args.dtype,)
    reference = per_op_seconds(overhead_step(torch))
    runs = []
    for name in names:
        run = EngineRun(name)
        try:
            engine = load(name)
        except EngineError as exc:
            run.error = str(exc)
            _err(f"{name}: not run ({exc})")
            runs.append(run)
            continue
        adapter = getattr(engine, "adapter", None)
        run.version, run.quirks = version_of(engine), getattr(adapter, "quirks", ())
        try:  # before the cases: their results grow the heap, which slows every engine's ops
            run.overhead = per_op_seconds(overhead_step(engine)) / reference
        except Exception as exc:  # noqa: BLE001 - an engine that cannot run the chain
            _err(f"{name}: the overhead workload failed: {type(exc).__name__}: {exc}")
        start = time.perf_counter()
        run.results = run_cases(
            cases,
            engine,
            torch,
            dtypes,
            args.seed,
            not args.no_second_order,
            timing=False,
            progress=None if args.quiet else lambda line, n=name: _err(f"{n}: {line}"),
        )
        run.seconds = time.perf_counter() - start
        runs.append(run)
    groups = {c.name: (c.tags[0] if c.tags else "other") for c in cases}
    path = write(args.out, render(runs, groups, environment(args.seed)))
    failed = [r for run in runs for r in run.results if not r.ok]
    print(f"{len(runs)} engines × {len(cases)} cases: {len(failed)} rows not ok. Page: {path}")
    return FAILED if failed else OK


def _err(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
