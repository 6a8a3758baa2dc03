"""The chain-scaling sweep: the cost of one graph node as the graph grows from 10 to 10^6 nodes.

A chain y = y * c on a 0-d float64 tensor, timed per node in the forward (building the graph)
and in the backward (walking it), each framework alone, at each length. A flat per-node cost
means the engine's bookkeeping does not grow with the graph; Python's cyclic collector, which
walks every live graph object on each full pass, is what makes it grow.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import ModuleType

#: the sweep's name for `--only`
SWEEP = "chain_scaling"
#: chain lengths of the sweep (full run, quick run)
LENGTHS = (10, 1_000, 100_000, 1_000_000)
QUICK_LENGTHS = (10, 100, 1_000)
#: forward µs per node at 10^5 ÷ at 10^3, mini_autograd's, held to this
GROWTH_GOAL = 1.2
#: the two lengths the growth goal compares
GROWTH_AT = (100_000, 1_000)


@dataclass
class Sweep:
    """Per framework and length: (forward µs per node, backward µs per node)."""

    lengths: tuple[int, ...]
    per_node: dict[str, dict[int, tuple[float, float]]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def compared(self) -> tuple[int, int]:
        """The two lengths the growth compares: GROWTH_AT, or the quick run's largest two."""
        if all(n in self.lengths for n in GROWTH_AT):
            return GROWTH_AT
        return self.lengths[-1], self.lengths[-2]

    def growth(self, name: str) -> float | None:
        """Forward µs per node at GROWTH_AT[0] ÷ at GROWTH_AT[1], if both were measured."""
        figures = self.per_node.get(name, {})
        big, small = self.compared
        if big not in figures or small not in figures:
            return None
        return figures[big][0] / figures[small][0]


def chain_once(T: ModuleType, n: int) -> tuple[float, float]:
    """Seconds to build a chain of n nodes and to run its backward (one measurement)."""
    x = T.tensor(0.5, dtype=T.float64, requires_grad=True)
    start = time.perf_counter()
    y = x
    for _ in range(n):
        y = y * 0.999999
    built = time.perf_counter()
    y.backward()
    done = time.perf_counter()
    del y
    return built - start, done - built


def measure(T: ModuleType, n: int, repeats: int) -> tuple[float, float]:
    """Best-of-repeats forward and backward µs per node (collector on, as in a user's loop)."""
    best_f = best_b = float("inf")
    gc.collect()  # start from a heap without garbage (once: a full pass over a big heap is slow)
    for _ in range(repeats):
        f, b = chain_once(T, n)
        best_f, best_b = min(best_f, f), min(best_b, b)
    return best_f / n * 1e6, best_b / n * 1e6


def run_sweep(
    frameworks: Mapping[str, ModuleType],
    quick: bool,
    log: Callable[[str], None] = lambda msg: None,
) -> Sweep:
    lengths = QUICK_LENGTHS if quick else LENGTHS
    sweep = Sweep(lengths)
    for name, T in frameworks.items():
        figures: dict[int, tuple[float, float]] = {}
        try:
            for n in lengths:
                repeats = 1 if n >= 100_000 else (3 if n >= 1_000 else 20)
                figures[n] = measure(T, n, repeats)
                log(f"bench: chain_scaling: {name} n={n:,}: {figures[n][0]:.2f} µs/node fwd")
        except Exception as exc:  # noqa: BLE001 - the bench reports, it does not crash
            sweep.errors[name] = f"failed: {type(exc).__name__}: {exc}"
        sweep.per_node[name] = figures
    return sweep


def render(sweep: Sweep, names: Sequence[str], candidate: str) -> str:
    """The sweep as a table: µs per node forward / backward, per framework and length."""
    header = ["nodes", *[f"{n} fwd µs/node" for n in names], *[f"{n} bwd µs/node" for n in names]]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("--:" for _ in header) + "|"]
    for n in sweep.lengths:
        cells = [f"{n:,}"]
        for part in (0, 1):
            for name in names:
                got = sweep.per_node.get(name, {}).get(n)
                cells.append("—" if got is None else f"{got[part]:.2f}")
        lines.append("| " + " | ".join(cells) + " |")
    growth = sweep.growth(candidate)
    big, small = sweep.compared
    verdict = (
        "—" if growth is None else ("met" if round(growth, 2) <= GROWTH_GOAL else "**missed**")
    )
    text = "\n".join(lines)
    text += (
        f"\n\nA chain y = y · c on a 0-d float64 tensor: the best of a few runs at each length "
        f"(one at 10^5 and more), per node. Growth of {candidate}'s forward cost, µs/node at "
        f"{big:,} ÷ at {small:,}: "
        + ("—" if growth is None else f"**{growth:.2f}**")
        + f" (goal ≤ {GROWTH_GOAL:g}: {verdict})."
    )
    for name, error in sweep.errors.items():
        text += f"\n\n{name}: {error}"
    return text
