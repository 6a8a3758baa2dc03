"""`python -m compare fuzz`: random programs in torch and the engine; mismatches shrunk to cases.

Exit status: 0 when no mismatch is the engine's fault, 1 when one is, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import importlib
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

from ..tolerances import DTYPES

DEFAULT_OUT = Path("reports") / "fuzz"
OK, FAILED, USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    from .generate import MAX_OPS, families
    from .session import DEFAULT_PROGRAMS

    parser = argparse.ArgumentParser(
        prog="python -m compare fuzz",
        description="Generate seeded random torch programs (DAGs of ops over 1-3 inputs), run each "
        "in torch and in the engine, compare values, gradients and float64 Hessian-vector "
        "products, shrink every mismatch to a minimal program and write fuzz.md and a case page "
        "per minimal mismatch.",
        epilog=f"Families: {', '.join(families())}. Exit status: 0 when no mismatch is the "
        "engine's fault, 1 when one is, 2 for a usage error.",
    )
    parser.add_argument(
        "--n", type=int, default=None, metavar="N",
        help=f"programs to run (default {DEFAULT_PROGRAMS}, or unlimited with --time)",
    )  # fmt: skip
    parser.add_argument("--seed", type=int, default=0, help="seed of the programs (default 0)")
    parser.add_argument(
        "--time", type=float, default=None, metavar="SECONDS",
        help="stop starting new programs after this many seconds",
    )  # fmt: skip
    parser.add_argument(
        "--dtype", choices=[*DTYPES, "both"], default="float64",
        help="dtype(s) each program runs in (default float64, with second order)",
    )  # fmt: skip
    parser.add_argument(
        "--ops", action="append", default=[], metavar="FAMILIES",
        help="only ops of these families (comma-separated or repeated)",
    )  # fmt: skip
    parser.add_argument(
        "--max-ops",
        type=int,
        default=MAX_OPS,
        metavar="K",
        help=f"ops per program at most (default {MAX_OPS})",
    )
    parser.add_argument(
        "--engine", default="mini_autograd", metavar="MODULE",
        help="the framework to compare with torch (default mini_autograd)",
    )  # fmt: skip
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, metavar="DIR",
        help=f"where to write fuzz.md and cases/ (default {DEFAULT_OUT})",
    )  # fmt: skip
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        import torch  # noqa: F401
    except ImportError:
        _err('error: fuzzing needs torch: pip install -c constraints.txt -e ".[compare]"')
        return USAGE
    from .generate import MAX_OPS, families

    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse: 2 for a usage error, 0 after --help
        return int(exit_.code or 0)
    chosen = [f.strip() for item in args.ops for f in item.split(",") if f.strip()]
    unknown = [f for f in chosen if f not in families()]
    if unknown:
        _err(
            f"error: unknown op families {', '.join(unknown)}; choose from {', '.join(families())}"
        )
        return USAGE
    for flag, value, low in (("--n", args.n, 1), ("--max-ops", args.max_ops, 1)):
        if value is not None and value < low:
            _err(f"error: {flag} must be at least {low}, got {value}")
            return USAGE
    if args.max_ops > MAX_OPS:
        _err(f"error: --max-ops is at most {MAX_OPS}, got {args.max_ops}")
        return USAGE
    if args.time is not None and args.time <= 0:
        _err(f"error: --time must be positive, got {args.time:g}")
        return USAGE
    try:
        engine = importlib.import_module(args.engine)
    except ImportError as exc:
        _err(f"error: cannot import the engine {args.engine!r}: {exc}")
        return USAGE

    from ..env import environment
    from .report import write
    from .session import fuzz

    dtypes = DTYPES if args.dtype == "both" else (args.dtype,)
    result = fuzz(
        engine,
        n=args.n,
        seed=args.seed,
        seconds=args.time,
        dtypes=dtypes,
        families=chosen or None,
        max_ops=args.max_ops,
        progress=None if args.quiet else _err,
    )
    env = environment(args.seed, candidate=engine.__name__, programs=str(result.programs))
    env["torch threads"] = "1 (the fuzzer's setting: tiny tensors)"
    command = "python -m compare fuzz " + shlex.join(argv) if argv else "python -m compare fuzz"
    path = write(args.out, result, env, command.strip())
    groups = result.groups()
    mine = sum(g[0].fault == "candidate" for g in groups)
    print(
        f"{result.programs} programs, {result.agreements} of {result.runs} runs agree; "
        f"{len(groups)} minimal mismatches, {mine} {engine.__name__}'s "
        f"({result.seconds:.1f} s). Report: {path}"
    )
    return FAILED if result.failed else OK


def _err(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
