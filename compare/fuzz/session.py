"""The fuzzing loop: generate, run in both frameworks, decide who is right, shrink, tally."""

from __future__ import annotations

import time
import warnings
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import ModuleType

import numpy as np
import torch

from .generate import MAX_OPS, family, generate, trace
from .judge import CANDIDATE, Judgement, run
from .program import Program
from .shrink import cost, shrink
from .specs import SPECS

#: programs run when neither --n nor --time is given
DEFAULT_PROGRAMS = 300
#: mismatches shrunk per signature and culprit; later ones are decided and counted, not shrunk
SHRINK_PER_SIGNATURE = 6


@dataclass
class Mismatch:
    """A program on which the frameworks disagree, as found and as shrunk."""

    found: Judgement
    minimal: Judgement  # the found one itself when it was not shrunk
    shrunk: bool = True

    @property
    def signature(self) -> str:
        return self.minimal.signature or ""

    @property
    def fault(self) -> str:
        return self.minimal.fault

    @property
    def key(self) -> tuple[str, str, str, tuple[str, ...]]:
        """One finding: the same signature and culprit, with the same ops in the minimal program."""
        return (self.minimal.dtype, self.signature, self.fault, tuple(self.minimal.program.ops))


@dataclass
class FuzzRun:
    """Everything one `fuzz` call did, for the summary page and the exit status."""

    seed: int
    dtypes: tuple[str, ...]
    families: tuple[str, ...]
    engine: str
    programs: int = 0
    runs: int = 0  # programs x dtypes
    agreements: int = 0
    skipped: int = 0  # draws that gave no valid program
    mismatches: list[Mismatch] = field(default_factory=list)
    family_counts: Counter = field(default_factory=Counter)  # programs using each family
    op_counts: Counter = field(default_factory=Counter)  # nodes calling each op
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        """Whether any mismatch is the candidate's fault (the command's exit status 1)."""
        return any(m.fault == CANDIDATE for m in self.mismatches)

    def groups(self) -> list[list[Mismatch]]:
        """Mismatches by key, the smallest minimal program first in each; candidate's first.

        An unshrunk mismatch joins the first group of its signature and culprit.
        """
        by_key: dict[tuple, list[Mismatch]] = {}
        for m in self.mismatches:
            if m.shrunk:
                by_key.setdefault(m.key, []).append(m)
        for m in self.mismatches:
            if not m.shrunk:
                home = next((k for k in by_key if k[:3] == m.key[:3]), m.key)
                by_key.setdefault(home, []).append(m)
        groups = [sorted(ms, key=lambda m: cost(m.minimal.program)) for ms in by_key.values()]
        return sorted(groups, key=lambda ms: (ms[0].fault != CANDIDATE, -len(ms), ms[0].signature))


@contextmanager
def _one_thread():
    """Tiny tensors: torch's thread pool only costs time (and much more on a busy machine)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        torch.set_num_threads(threads)


def fuzz(
    engine: ModuleType,
    n: int | None = None,
    seed: int = 0,
    seconds: float | None = None,
    dtypes: Sequence[str] = ("float64",),
    families: Collection[str] | None = None,
    max_ops: int = MAX_OPS,
    stop_when: Callable[[Mismatch], bool] | None = None,
    shrink_when: Callable[[Judgement], bool] | None = None,
    progress: Callable[[str], None] | None = None,
) -> FuzzRun:
    """Run n programs (or as many as fit in `seconds`), shrinking every mismatch.

    `stop_when` ends the run at the first mismatch (shrunk) for which it is true. Mismatches are
    shrunk up to SHRINK_PER_SIGNATURE per signature and culprit, and only those for which
    `shrink_when(judgement)` holds if it is given; the others are decided and counted.
    """
    if n is None and seconds is None:
        n = DEFAULT_PROGRAMS
    chosen = (
        tuple(families) if families else tuple(dict.fromkeys(family(s) for s in SPECS.values()))
    )
    result = FuzzRun(seed, tuple(dtypes), chosen, engine.__name__)
    start = time.perf_counter()
    with _one_thread():
        i = 0
        while n is None or i < n:
            if seconds is not None and time.perf_counter() - start > seconds:
                break
            rng = np.random.default_rng([seed, i])
            program = generate(rng, f"fuzz_{seed}_{i}", families, max_ops)
            i += 1
            if program is None:
                result.skipped += 1
                continue
            _tally(result, program)
            for dtype in dtypes:
                result.runs += 1
                found = run(program, engine, dtype)
                if found.agrees:
                    result.agreements += 1
                    continue
                decided = run(program, engine, dtype, decide=True)
                kind = (dtype, decided.signature, decided.fault)
                done = sum(m.shrunk and m.key[:3] == kind for m in result.mismatches)
                wanted = shrink_when is None or shrink_when(decided)
                if done < SHRINK_PER_SIGNATURE and wanted:
                    mismatch = _minimise(decided, engine)
                else:
                    mismatch = Mismatch(decided, decided, shrunk=False)
                result.mismatches.append(mismatch)
                if progress:
                    progress(
                        f"[{i}] {program.name} {dtype}: {mismatch.signature} "
                        f"({mismatch.fault}'s), {found.program.size} ops"
                        + (f" -> {mismatch.minimal.program.size}" if mismatch.shrunk else "")
                    )
            if progress and i % 100 == 0:
                progress(f"[{i}] {result.agreements} of {result.runs} runs agree")
            if stop_when and any(stop_when(m) for m in result.mismatches):
                break
    result.seconds = time.perf_counter() - start
    return result


def _tally(result: FuzzRun, program: Program) -> None:
    result.programs += 1
    ops = program.ops
    result.op_counts.update(ops)
    from mini_autograd.ops import OPS

    result.family_counts.update({OPS[op].family for op in ops})


def _minimise(decided: Judgement, engine: ModuleType) -> Mismatch:
    """Shrink a decided mismatch while its signature and its culprit stay the same."""
    dtype = decided.dtype
    target = (decided.signature, decided.fault)

    def same(candidate: Program) -> bool:
        quick = run(candidate, engine, dtype)
        if quick.signature != target[0]:
            return False
        return run(candidate, engine, dtype, decide=True).fault == target[1]

    smallest = shrink(decided.program, same)
    tidy = smallest.canonical()
    if tidy != smallest and trace(tidy) is not None and same(tidy):
        smallest = tidy
    minimal = decided if smallest is decided.program else run(smallest, engine, dtype, decide=True)
    return Mismatch(decided, minimal)
