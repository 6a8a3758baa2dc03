"""Interleaved timing: both frameworks (and the numpy floor) take turns, round after round.

Each round times a batch of `number` steps per participant, in an order that alternates between
rounds, so drift and the load of a shared machine fall on all of them alike; the figure kept is
the median over rounds of the time per step.

Two thread pools share the process: torch's OpenMP workers and numpy's OpenBLAS workers each spin
for a while after their last task, and a pool that spins takes the cores the other framework needs
(torch's MLP step ran 200 times slower right after a mini_autograd step). So before each batch the
bench pauses `settle` seconds, until the other pool sleeps, and runs one untimed step to wake its
own: each framework is timed as it runs in a process of its own.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

Step = Callable[[], object]


@dataclass(frozen=True)
class Timing:
    """Median seconds per step of each participant, and every round's figure."""

    median: dict[str, float]
    rounds: dict[str, list[float]]
    number: int  # steps per batch

    @property
    def round_count(self) -> int:
        return len(next(iter(self.rounds.values())))

    def ratio(self, a: str, b: str) -> float:
        """a's median time over b's."""
        return self.median[a] / self.median[b]

    def best_ratio(self, a: str, b: str) -> float:
        """a's fastest round over b's: the least disturbed by other work on the machine."""
        return min(self.rounds[a]) / min(self.rounds[b])


def calibrate(
    steps: Mapping[str, Step], min_batch: float, settle: float = 0.0, max_number: int = 100_000
) -> int:
    """How many steps make a batch last at least `min_batch` seconds for the slowest participant.

    Each participant runs three steps after the pause and the fastest counts: first calls are slow.
    """
    slowest = 0.0
    for step in steps.values():
        time.sleep(settle)
        fastest = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            step()
            fastest = min(fastest, time.perf_counter() - t0)
        slowest = max(slowest, fastest)
    if slowest <= 0:
        return max_number
    return max(1, min(max_number, int(min_batch / slowest) + 1))


def interleave(
    steps: Mapping[str, Step], rounds: int, number: int, settle: float = 0.0, warm_up: bool = True
) -> Timing:
    """Time `number` steps of each participant per round, alternating the order every round.

    Before each batch: a pause of `settle` seconds, then (with `warm_up`) one untimed step.
    """
    names = list(steps)
    per_round: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        for name in names if r % 2 == 0 else reversed(names):
            step = steps[name]
            time.sleep(settle)
            if warm_up:
                step()
            t0 = time.perf_counter()
            for _ in range(number):
                step()
            per_round[name].append((time.perf_counter() - t0) / number)
    median = {name: statistics.median(times) for name, times in per_round.items()}
    return Timing(median, per_round, number)


def duration(seconds: float) -> str:
    """A time per step with a readable unit: 12.3 µs, 4.56 ms, 7.89 s."""
    unit, scale = next(
        ((u, s) for u, s in (("s", 1.0), ("ms", 1e-3)) if seconds >= s), ("µs", 1e-6)
    )
    return f"{seconds / scale:.3g} {unit}"
