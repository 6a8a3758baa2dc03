"""`python -m compare` (console script `mini-autograd-compare`): run the cases, write the reports.

Exit status: 0 when every case is within tolerance, 1 when any is not, 2 for a usage error.
`python -m compare bench ...` hands over to `compare.bench.main(argv)`.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from . import registry
from .tolerances import DTYPES

#: subcommands living in their own module, each with `main(argv) -> int`
SUBCOMMANDS = {"bench": "compare.bench", "engines": "compare.engines.cli"}
INSTALL = 'pip install -c constraints.txt -e ".[compare]"'
OK, FAILED, USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m compare",
        description="Run every comparison case in mini_autograd and in torch, compare values and "
        "gradients, and write markdown reports.",
        epilog="Subcommands: `python -m compare bench ...` runs the benchmarks. Exit status: 0 "
        "when every case is within tolerance, 1 when any is not, 2 for a usage error.",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("reports"),
        metavar="DIR",
        help="where to write summary.md, results.csv and cases/ (default: reports)",
    )
    parser.add_argument(
        "--cases",
        action="append",
        default=[],
        metavar="PATTERN",
        help="only cases whose name contains PATTERN, matches it as a glob, or "
        "has it as a tag; comma-separated or repeated",
    )
    parser.add_argument(
        "--dtype",
        choices=[*DTYPES, "both"],
        default="both",
        help="which dtype(s) to run (default: both)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seed of inputs, upstream gradients and second-order weights",
    )
    parser.add_argument(
        "--list", action="store_true", help="print the selected case names, one a line, and exit"
    )
    parser.add_argument(
        "--no-second-order", action="store_true", help="skip second-order gradients"
    )
    parser.add_argument("--no-timing", action="store_true", help="skip the timing passes")
    parser.add_argument(
        "--engine",
        default="mini_autograd",
        metavar="MODULE",
        help="the framework to compare with torch (default: mini_autograd)",
    )
    noise = parser.add_mutually_exclusive_group()
    noise.add_argument(
        "-q", "--quiet", action="store_true", help="no progress, only the final line"
    )
    noise.add_argument(
        "-v", "--verbose", action="store_true", help="also print every failure in full"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] in SUBCOMMANDS:
        return _subcommand(args_list[0], args_list[1:])
    if args_list and args_list[0] == "run":
        args_list = args_list[1:]
    try:
        args = build_parser().parse_args(args_list)
    except SystemExit as exit_:  # argparse: 2 for a usage error, 0 after --help
        return int(exit_.code or 0)

    cases, unknown = registry.select(args.cases)
    if unknown:
        for pattern in unknown:
            close = registry.suggestions(pattern)
            hint = f" Did you mean: {', '.join(close)}?" if close else ""
            _err(f"error: no case matches {pattern!r}.{hint} (--list shows them all)")
        return USAGE
    if args.list:
        print("\n".join(c.name for c in cases))
        return OK

    try:
        import pandas  # noqa: F401
        import tabulate  # noqa: F401
        import torch
    except ImportError as exc:
        _err(
            f"error: the comparison needs torch, pandas and tabulate ({exc.name} is missing). "
            f"Install them with:\n    {INSTALL}"
        )
        return USAGE
    from .engines import EngineError, load

    try:
        engine = load(args.engine)
    except EngineError as exc:
        _err(f"error: {exc}")
        return USAGE

    from .env import environment
    from .report.write import write_reports
    from .run import run_cases

    dtypes = DTYPES if args.dtype == "both" else (args.dtype,)
    start = time.perf_counter()
    results = run_cases(
        cases,
        engine,
        torch,
        dtypes,
        args.seed,
        not args.no_second_order,
        not args.no_timing,
        progress=None if args.quiet else _err,
    )
    env = environment(args.seed, candidate=engine.__name__)
    path = write_reports(args.out, cases, results, env)
    failed = [r for r in results if r.failures]
    if args.verbose:
        for r in failed:
            _err("\n" + r.failure_message())
    counts = {s: sum(r.status == s for r in results) for s in ("pass", "fail", "missing")}
    print(
        f"{len(cases)} cases × {_plural(len(dtypes), 'dtype')}: {counts['pass']} pass, "
        f"{counts['fail']} fail, {counts['missing']} missing "
        f"({time.perf_counter() - start:.1f} s). Report: {path}"
    )
    return FAILED if failed else OK


def _subcommand(name: str, argv: list[str]) -> int:
    target = SUBCOMMANDS[name]
    try:
        module = importlib.import_module(target)
    except ModuleNotFoundError as exc:
        if exc.name != target:
            raise
        module = None
    run = getattr(module, "main", None)
    if run is None:
        _err(f"error: `python -m compare {name}` is not available yet ({target}.main is missing).")
        return USAGE
    return int(run(argv) or 0)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _err(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
