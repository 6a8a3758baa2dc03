"""`python -m compare` (console script `mini-autograd-compare`): run the cases, write the reports.

Exit status: 0 when every row agrees (pass, expected error, not applicable), 1 when any does not,
2 for a usage error (found before any case runs), 130 after Ctrl-C.
`python -m compare bench ...` hands over to `compare.bench.main(argv)`.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from . import registry
from .env import environment
from .results import ERROR, EXPECTED_ERROR, FAIL, INAPPLICABLE, MISSING, PASS, TIMEOUT
from .run import DEFAULT_TIMEOUT
from .tolerances import DTYPES

#: subcommands living in their own module, each with `main(argv) -> int`
SUBCOMMANDS = {"bench": "compare.bench", "engines": "compare.engines.cli"}
INSTALL = 'pip install -c constraints.txt -e ".[compare]"'
OK, FAILED, USAGE, INTERRUPTED = 0, 1, 2, 130
#: the order of the final line's counts: agreement first
TALLY = (PASS, EXPECTED_ERROR, INAPPLICABLE, FAIL, ERROR, TIMEOUT, MISSING)


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
        help="a case's exact name selects just that case; otherwise cases whose name "
        "contains PATTERN or that have it as a tag; a glob (matmul_*) matches names, "
        "tag:TAG only tags; comma-separated or repeated",
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
        "--list",
        action="store_true",
        help="print the selected cases, one a line: name, a tab, its tags; then exit",
    )
    parser.add_argument(
        "--list-tags", action="store_true", help="print every tag with its number of cases"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"time limit per case and dtype (default {DEFAULT_TIMEOUT:g}; 0: none); a case "
        "past it is marked timed out and the run goes on",
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
    """The command: a closed pipe ends quietly, Ctrl-C says what became of the report."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    out = _out_of(args_list)
    before = _fingerprint(out)
    try:
        if args_list and args_list[0] in SUBCOMMANDS:
            return _subcommand(args_list[0], args_list[1:])
        return _run(args_list[1:] if args_list[:1] == ["run"] else args_list)
    except KeyboardInterrupt:
        state = "unchanged" if _fingerprint(out) == before else "written"
        _err(f"interrupted; {out} {state}")
        return INTERRUPTED
    except BrokenPipeError:
        _quiet_stdout()
        return OK


def _run(argv: list[str]) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exit_:  # argparse: 2 for a usage error, 0 after --help
        return int(exit_.code or 0)
    if args.timeout < 0:
        return _usage(f"--timeout takes seconds >= 0 (0: no limit), not {args.timeout:g}")

    broken = registry.broken_modules()
    for module in broken:
        _err(f"error: {module}")
    cases, unknown = registry.select(args.cases)
    if args.list_tags:
        print("\n".join(f"{tag}\t{n}" for tag, n in registry.tag_counts().items()))
        return USAGE if broken else OK
    if unknown:
        for pattern in unknown:
            close = registry.suggestions(pattern)
            hint = f" Did you mean: {', '.join(close)}?" if close else ""
            _err(f"error: no case matches {pattern!r}.{hint} (--list shows them all)")
        return USAGE
    if args.list:
        print("\n".join(f"{c.name}\t{','.join(c.tags)}" for c in cases))
        return USAGE if broken else OK
    if broken:
        return USAGE

    try:
        import pandas  # noqa: F401
        import tabulate  # noqa: F401
        import torch
    except ImportError as exc:
        return _usage(
            f"the comparison needs torch, pandas and tabulate ({exc.name} is missing); "
            f"install them with: {INSTALL}"
        )
    try:
        engine = load_engine(args.engine)
    except UsageError as exc:
        return _usage(str(exc))

    from .report.write import ReportError, check_out, write_reports
    from .run import run_cases

    dtypes = DTYPES if args.dtype == "both" else (args.dtype,)
    settings = run_settings(args, engine)
    known = [c.name for c in registry.all_cases()]
    planned = {f"{c.name}/{d}" for c in cases for d in dtypes}
    try:
        check_out(args.out, settings, planned, set(known))
    except ReportError as exc:
        return _usage(str(exc))

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
        timeout=args.timeout or None,
    )
    env = environment(
        args.seed, candidate=engine.__name__, candidate_version=engine_version(engine)
    )
    try:
        path = write_reports(args.out, cases, results, env, settings, known)
    except ReportError as exc:
        return _usage(str(exc))
    failed = [r for r in results if not r.ok]
    if args.verbose:
        for r in failed:
            _err("\n" + r.failure_message())
    counts = Counter(r.status for r in results)
    tally = ", ".join(f"{counts[s]} {s}" for s in TALLY if counts[s] or s in (PASS, FAIL))
    print(
        f"{len(cases)} cases × {_plural(len(dtypes), 'dtype')}: {tally} "
        f"({time.perf_counter() - start:.1f} s). Report: {path}"
    )
    return FAILED if failed else OK


class UsageError(Exception):
    """A problem with the command line: exit status 2, one line."""


def load_engine(name: str) -> ModuleType:
    """The framework `--engine NAME` names: an adapter (dezero, tinygrad, micrograd, a file or
    module:Class; see compare/engines) or an importable module speaking torch's API (the protocol
    is in compare/ENGINES.md). The one place engines are loaded."""
    from .engines import EngineError, load

    try:
        return load(name)
    except EngineError as exc:
        raise UsageError(str(exc)) from exc


def engine_version(engine: ModuleType) -> str:
    """The engine's version for the environment table: its adapter's, its own `__version__`,
    or its package's; "(no version)" for a module loaded from a path (not "not installed")."""
    from .engines.page import version_of

    return version_of(engine) or "(no version)"


def run_settings(args: argparse.Namespace, engine: ModuleType) -> dict[str, object]:
    """What must be equal for rows of two runs to sit in one report."""
    return {
        "seed": args.seed,
        "engine": engine.__name__,
        "second_order": not args.no_second_order,
    }


def _subcommand(name: str, argv: list[str]) -> int:
    target = SUBCOMMANDS[name]
    try:
        module = importlib.import_module(target)
    except ModuleNotFoundError as exc:
        if exc.name != target:
            return _usage(
                f"`python -m compare {name}` needs {exc.name}; install it with: {INSTALL}"
            )
        module = None
    run = getattr(module, "main", None)
    if run is None:
        return _usage(
            f"`python -m compare {name}` is not available yet ({target}.main is missing)."
        )
    try:
        return int(run(argv) or 0)
    except SystemExit as exit_:  # argparse inside the subcommand
        return exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else USAGE)


def _out_of(argv: Sequence[str]) -> Path:
    """The --out folder named on the command line (for the Ctrl-C message)."""
    for i, arg in enumerate(argv):
        if arg == "--out" and i + 1 < len(argv):
            return Path(argv[i + 1])
        if arg.startswith("--out="):
            return Path(arg.split("=", 1)[1])
    return Path("reports")


def _fingerprint(out: Path) -> tuple[int, int] | None:
    """The folder's identity and the manifest's time: a swapped-in report changes both."""
    try:
        folder = out.stat().st_ino
    except OSError:
        return None
    try:
        return folder, (out / ".compare-manifest.json").stat().st_mtime_ns
    except OSError:
        return folder, 0


def _quiet_stdout() -> None:
    """After a closed pipe: send the rest of stdout nowhere, so exiting prints no error."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _usage(message: str) -> int:
    _err(f"error: {message}")
    return USAGE


def _err(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
