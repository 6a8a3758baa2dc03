"""`python -m compare bench`: time the workloads in torch and mini_autograd, write the report."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ..atomic import write_atomic
from ..env import environment, header  # the harness's header, shared by every report
from .memory import import_framework
from .report import render
from .runner import MINI, TORCH, Options, run, select
from .scaling import SWEEP, run_sweep
from .workloads import WORKLOADS

DEFAULT_OUTPUT = Path("reports") / "bench.md"
USAGE = 2  # exit status for a usage error, as `python -m compare`


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m compare bench",
        description="Time each workload in torch and mini_autograd (interleaved rounds, median per "
        "step) and measure its peak memory; write the figures and the goals to reports/bench.md.",
        epilog=f"Workloads: {', '.join(WORKLOADS)}, and the {SWEEP} sweep. A full run writes "
        f"{DEFAULT_OUTPUT}; a --quick "
        "or --only run prints its report unless --output is given, so it never replaces the "
        "full one by accident.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="tiny sizes and short batches: a smoke run of the machinery",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=None,
        metavar="N",
        help="timed rounds per workload (default 7, 3 with --quick)",
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAMES",
        help="only these workloads; comma-separated or repeated",
    )
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-memory probes")
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        metavar="FILE",
        help=f"where to write the report (default: {DEFAULT_OUTPUT})",
    )
    parser.add_argument("--list", action="store_true", help="print the workload names and exit")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exit_:  # argparse: 2 for a usage error, 0 after --help
        return int(exit_.code or 0)
    if args.list:
        print("\n".join([*WORKLOADS, SWEEP]))
        return 0
    only = [name for item in args.only for name in item.split(",") if name]
    sweep_wanted = not only or SWEEP in only
    only = [name for name in only if name != SWEEP]
    try:
        workloads = select(only) if only or not args.only else []
    except KeyError as exc:
        return _usage(exc.args[0])
    if args.rounds is not None and args.rounds < 1:
        return _usage(f"--rounds takes a number of rounds >= 1, not {args.rounds}")
    if args.output is not None and (args.output.is_dir() or not _writable(args.output)):
        return _usage(f"--output {args.output}: not a file that can be written")
    try:
        frameworks = {name: import_framework(name) for name in (TORCH, MINI)}
    except ImportError as exc:
        return _usage(
            f"the benchmarks need {exc.name or 'torch'}; install it with: "
            'pip install -c constraints.txt -e ".[compare]"'
        )
    quick = args.quick
    opts = Options(
        quick=quick,
        rounds=args.rounds or (3 if quick else Options.rounds),
        heavy_rounds=min(args.rounds or Options.heavy_rounds, Options.heavy_rounds),
        min_batch=0.005 if quick else Options.min_batch,
        settle=0.01 if quick else Options.settle,
        memory=not args.no_memory,
    )
    load = _load_average()
    results = run(workloads, frameworks, opts)
    sweep = None
    if sweep_wanted:
        sweep = run_sweep(frameworks, quick, log=lambda m: print(m, file=sys.stderr))
    env = environment(candidate=MINI, **{"numpy BLAS": _blas(), "load average at start": load})
    env.pop("tolerances", None)  # a benchmark compares no values
    command = "python -m compare bench" + "".join(f" {a}" for a in (argv or []))
    text = render(results, header(env), opts, command, sweep)
    output = args.output or (None if quick or only else DEFAULT_OUTPUT)
    if output is None:
        print(text)
    else:
        write_atomic(output, text)
        print(f"bench: wrote {output}", file=sys.stderr)
    return 0


def _usage(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return USAGE


def _writable(path: Path) -> bool:
    """Whether the report can be written at `path`: its nearest existing folder takes files."""
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        tempfile.TemporaryFile(dir=folder).close()
    except OSError:
        return False
    return folder.is_dir()


def _load_average() -> str:
    """The 1, 5 and 15 minute load averages (what else the machine was doing)."""
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # not on this platform
        return "unknown"


def _blas() -> str:
    """numpy's BLAS, the library behind mini_autograd's matmul."""
    import numpy as np

    try:
        info = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f"{info['name']} {info['version']}"
    except Exception:  # show_config's layout differs across numpy versions
        return "unknown"
