"""The benchmark workloads' registry and the helpers they share: a workload's `build(T, **size)`
does the setup (inputs, parameters) and returns the step to time; the same function runs under
torch and under mini_autograd. Inputs come from one seeded numpy generator, so both frameworks
compute on the same values. The workloads themselves are in workloads_small.py and
workloads_nets.py (gathered, in the report's order, by workloads.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

Step = Callable[[], object]


@dataclass(frozen=True)
class Workload:
    """One benchmark: what it computes, how to build its step, and the goal it is held to."""

    name: str
    title: str  # one line for the report
    build: Callable[..., Step]  # build(T, **size) -> step
    size: dict[str, int]  # the full run's size
    quick: dict[str, int]  # a tiny size for smoke runs
    goal: float | None = None  # median time ratio mini_autograd / torch to stay under
    floor: Callable[..., Step] | None = None  # build(**size): the same computation in numpy
    floor_goal: float | None = None  # ratio to the numpy floor to stay under
    heavy: bool = False  # a step takes seconds: time it in fewer rounds
    memory_goal: float | None = None  # peak memory ratio to torch, if not the report's default


WORKLOADS: dict[str, Workload] = {}


def workload(**info: Any) -> Callable[[Callable[..., Step]], Callable[..., Step]]:
    """Register the decorated build function as a workload."""

    def deco(build: Callable[..., Step]) -> Callable[..., Step]:
        wl = Workload(name=build.__name__, build=build, **info)
        WORKLOADS[wl.name] = wl
        return build

    return deco


def seeded() -> np.random.Generator:
    return np.random.default_rng(0)


def leaf(T: ModuleType, array: np.ndarray) -> Any:
    return T.tensor(array, requires_grad=True)


def normal(rng: np.random.Generator, shape: tuple[int, ...], scale: float = 1.0) -> np.ndarray:
    """float32 normal samples times scale (float32 all the way: numpy would promote to float64)."""
    return (rng.standard_normal(shape) * scale).astype(np.float32)
