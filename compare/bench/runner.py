"""Run the workloads: build each in both frameworks, time them interleaved, probe their memory."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import ModuleType

from . import memory
from .timing import Step, Timing, calibrate, duration, interleave
from .workloads import WORKLOADS, Workload

#: the participants' names in results and reports
TORCH, MINI, FLOOR = "torch", "mini_autograd", "numpy floor"


@dataclass(frozen=True)
class Options:
    """How much to measure: sizes, rounds, batch length, and whether to probe memory."""

    quick: bool = False
    rounds: int = 7
    heavy_rounds: int = 3  # for workloads whose step takes seconds
    min_batch: float = 0.2  # seconds per timed batch, which sets the steps per batch
    settle: float = 0.3  # pause before each batch, so the other framework's threads stop spinning
    memory: bool = True


@dataclass(frozen=True)
class Result:
    """One workload's figures; `errors` says which framework could not run it, and why."""

    workload: Workload
    size: dict[str, int]
    timing: Timing | None = None
    errors: dict[str, str] = field(default_factory=dict)
    peaks: dict[str, memory.Peak] = field(default_factory=dict)


def select(only: Iterable[str] | None) -> list[Workload]:
    """The workloads named in `only` (all of them when None), in registry order.

    Raises KeyError naming the unknown ones.
    """
    if not only:
        return list(WORKLOADS.values())
    wanted = set(only)
    unknown = wanted - set(WORKLOADS)
    if unknown:
        raise KeyError(f"unknown workload(s) {sorted(unknown)}; choose from {list(WORKLOADS)}")
    return [wl for wl in WORKLOADS.values() if wl.name in wanted]


def _describe(exc: BaseException) -> str:
    missing = isinstance(exc, AttributeError | NotImplementedError | ImportError)
    return f"{'not available yet' if missing else 'failed'}: {type(exc).__name__}: {exc}"


def _ready(build: Callable[[], Step]) -> Step | str:
    """Build a step and run it once (the warm-up); a description of the error if either fails."""
    try:
        step = build()
        step()
    except Exception as exc:  # the bench reports a missing op, it does not crash on it
        return _describe(exc)
    return step


def run_workload(wl: Workload, frameworks: dict[str, ModuleType], opts: Options) -> Result:
    """Time one workload in every framework that can run it, then probe each one's memory."""
    size = wl.quick if opts.quick else wl.size
    steps: dict[str, Step] = {}
    errors: dict[str, str] = {}
    candidates: dict[str, Callable[[], Step]] = {
        name: (lambda T=T: wl.build(T, **size)) for name, T in frameworks.items()
    }
    if wl.floor is not None:
        candidates[FLOOR] = lambda: wl.floor(**size)
    for name, build in candidates.items():
        ready = _ready(build)
        if isinstance(ready, str):
            errors[name] = ready
        else:
            steps[name] = ready
    timing = None
    if steps:
        rounds = min(opts.rounds, opts.heavy_rounds) if wl.heavy else opts.rounds
        number = calibrate(steps, opts.min_batch, opts.settle)
        # a step of seconds needs no warm-up step to wake the threads: it would double the time
        timing = interleave(steps, rounds, number, opts.settle, warm_up=not wl.heavy)
    del steps  # free the inputs before the memory probes start
    peaks = {}
    if opts.memory:
        for name, T in frameworks.items():
            if name not in errors:
                peaks[name] = memory.measure(wl.name, T.__name__, opts.quick)
        if wl.floor is not None and FLOOR not in errors:
            peaks[FLOOR] = memory.measure(wl.name, memory.NUMPY, opts.quick)
    return Result(wl, size, timing, errors, peaks)


def run(
    workloads: Iterable[Workload],
    frameworks: dict[str, ModuleType],
    opts: Options,
    log: Callable[[str], None] = lambda msg: print(msg, file=sys.stderr),
) -> list[Result]:
    """Run every workload in turn, logging one line per workload."""
    results = []
    for wl in workloads:
        log(f"bench: {wl.name} ...")
        result = run_workload(wl, frameworks, opts)
        if result.timing is not None:
            figures = ", ".join(f"{n} {duration(t)}" for n, t in result.timing.median.items())
            log(f"bench: {wl.name}: {figures}")
        for name, error in result.errors.items():
            log(f"bench: {wl.name}: {name} {error}")
        results.append(result)
    return results
