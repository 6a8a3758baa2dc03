"""Peak memory of a workload: a fresh subprocess per framework, measured by the kernel.

tracemalloc sees only Python's allocator, not torch's C++ allocations, so the child process reads
its resident set instead: after importing the framework and running the workload once at its tiny
`quick` size (lazy imports and first-use caches are the framework's cost, not the workload's), it
resets the kernel's high-water mark (`/proc/self/clear_refs`), notes VmRSS, builds the workload
and runs its step a few times; the peak is VmHWM minus that baseline. Where the reset is not
allowed, the high-water mark of the whole process (ru_maxrss) stands in, which can only overstate
the peak of small workloads.

glibc's malloc raises its mmap threshold after the first large free and then keeps freed arrays in
its heap, so the resident set of a loop grows with allocator retention rather than live data (torch
showed 200 MB for a workload that holds 50). The child therefore runs with the threshold pinned at
its default (MALLOC_MMAP_THRESHOLD_=131072): large blocks go back to the system when freed, for
both frameworks alike, and the figure measures the memory the workload actually holds.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import json
import os
import resource
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from .workloads import WORKLOADS

NUMPY = "numpy"  # the participant that runs a workload's numpy floor


@dataclass(frozen=True)
class Peak:
    """A workload's peak memory above the baseline in one framework, or why it has none."""

    kib: int | None
    method: str = ""
    error: str = ""


#: pins glibc's mmap threshold in the probe (see the module docstring)
PROBE_ENV = {"MALLOC_MMAP_THRESHOLD_": "131072"}


def measure(
    workload: str, framework: str, quick: bool, steps: int = 3, timeout: float = 600
) -> Peak:
    """Run the workload in a fresh interpreter and return its peak resident memory."""
    root = str(Path(__file__).resolve().parents[2])
    env = dict(
        os.environ,
        **PROBE_ENV,
        PYTHONPATH=os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p),
    )
    cmd = [
        sys.executable,
        "-m",
        "compare.bench.memory",
        workload,
        framework,
        "--steps",
        str(steps),
    ] + (["--quick"] if quick else [])
    try:
        done = subprocess.run(
            cmd, capture_output=True, text=True, env=env, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return Peak(None, error=f"timed out after {timeout:g} s")
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return Peak(None, error=f"probe failed: {tail}")
    return Peak(**json.loads(lines[-1]))


def import_framework(name: str) -> ModuleType:
    """The framework's module, with its nn and optim loaded as `import torch.nn` would."""
    module = importlib.import_module(name)
    for sub in ("nn", "optim"):
        with contextlib.suppress(ImportError):
            importlib.import_module(f"{name}.{sub}")
    return module


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def _reset_high_water_mark() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _maxrss_kib() -> int:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss // 1024 if sys.platform == "darwin" else rss  # bytes on macOS, KiB elsewhere


def _probe(workload: str, framework: str, quick: bool, steps: int) -> Peak:
    wl = WORKLOADS[workload]
    size = wl.quick if quick else wl.size
    T = import_framework(framework)
    build = (
        (lambda **sz: wl.floor(**sz)) if framework == NUMPY else (lambda **sz: wl.build(T, **sz))
    )
    if framework == NUMPY and wl.floor is None:
        return Peak(None, error="no numpy floor")
    try:  # the workload once at its tiny size: lazy imports and first-use caches are not its cost
        build(**wl.quick)()
    except Exception as exc:  # a missing op is a result, not a crash
        return Peak(None, error=f"{type(exc).__name__}: {exc}")
    gc.collect()
    exact = sys.platform.startswith("linux") and _reset_high_water_mark()
    base = _status_kib("VmRSS") if sys.platform.startswith("linux") else _maxrss_kib()
    try:
        step = build(**size)
        for _ in range(steps):
            step()
    except Exception as exc:  # a missing op is a result, not a crash
        return Peak(None, error=f"{type(exc).__name__}: {exc}")
    peak = _status_kib("VmHWM") if exact else _maxrss_kib()
    return Peak(max(0, peak - base), "VmHWM after reset" if exact else "ru_maxrss")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="peak memory of one workload (a bench probe)")
    parser.add_argument("workload", choices=sorted(WORKLOADS))
    parser.add_argument("framework")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--steps", type=int, default=3)
    args = parser.parse_args(argv)
    peak = _probe(args.workload, args.framework, args.quick, args.steps)
    print(json.dumps(peak.__dict__))


if __name__ == "__main__":
    main()
