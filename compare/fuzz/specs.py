"""The vocabulary of the op table: a spec per op (how to draw its arguments, how to render it, where
its inputs must lie) and the pool of values a program has computed so far."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

#: a node's float result must stay within this magnitude (keeps programs well-conditioned)
LIMIT = 1e3
#: distance kept from kinks, poles and discontinuities, so finite differences can judge
MARGIN = 1e-3

Params = dict[str, Any]
Drawn = tuple[tuple[str, ...], Params] | None


@dataclass(frozen=True)
class Value:
    """A value the program has computed (or an input), as torch computed it in float64."""

    name: str
    t: torch.Tensor
    shape: tuple[int, ...] = ()
    kind: str = ""  # "float", "bool" or "other"

    @classmethod
    def of(cls, name: str, t: torch.Tensor) -> Value:
        kind = "float" if t.is_floating_point() else "bool" if t.dtype == torch.bool else "other"
        return cls(name, t, tuple(t.shape), kind)

    @property
    def ndim(self) -> int:
        return len(self.shape)


class Pool:
    """The values so far, and the random choices a spec makes over them (recent ones favoured)."""

    def __init__(self, rng: np.random.Generator, values: Sequence[Value] = ()) -> None:
        self.rng = rng
        self.values: list[Value] = list(values)

    def pick(
        self, pred: Callable[[Value], bool] | None = None, *, kind: str = "float"
    ) -> Value | None:
        """A random value of `kind` ("float" or "bool") satisfying `pred`, recent ones likelier."""
        fits = [v for v in self.values if v.kind == kind and (pred is None or pred(v))]
        if not fits:
            return None
        # the k-th of n fitting values with probability ~ k^2: the max of three uniform draws
        u = max(self.rng.random(), self.rng.random(), self.rng.random())
        return fits[min(int(u * len(fits)), len(fits) - 1)]

    # small random choices, named for what they are
    def chance(self, p: float) -> bool:
        return bool(self.rng.random() < p)

    def choice(self, options: Sequence[Any]) -> Any:
        return options[int(self.rng.integers(len(options)))]

    def integer(self, low: int, high: int) -> int:
        """An int in [low, high]."""
        return int(self.rng.integers(low, high + 1))

    def dim(self, v: Value) -> int:
        """A valid dim of v, sometimes negative."""
        d = self.integer(0, max(v.ndim, 1) - 1)
        return d - max(v.ndim, 1) if self.chance(0.3) else d

    def dims(self, v: Value) -> int | tuple[int, ...] | None:
        """A reduction's dim: None, one dim or a tuple of distinct dims."""
        if v.ndim == 0 or self.chance(0.25):
            return None
        if self.chance(0.6):
            return self.dim(v)
        k = self.integer(1, v.ndim)
        return tuple(sorted(int(d) for d in self.rng.choice(v.ndim, size=k, replace=False)))


@dataclass(frozen=True)
class Spec:
    """One op of the table: `torch_name` is its key in mini_autograd.ops.OPS."""

    key: str
    torch_name: str
    draw: Callable[[Pool], Drawn]
    render: Callable[[list[str], Params], str]
    #: whether arguments (torch float64 values) are inside the op's domain
    domain: Callable[[list[torch.Tensor], Params], bool] | None = None
    #: the param whose value is the torch op when one spec draws several (split/chunk/unbind)
    named_by: str | None = None

    def op_name(self, params: Mapping[str, Any]) -> str:
        """The torch op a node of this spec calls, a key of mini_autograd.ops.OPS."""
        return str(params[self.named_by]) if self.named_by else self.torch_name


def kwargs(params: Mapping[str, Any], *names: str) -> str:
    """`, a=1, b=True` for the params present (and not None) among names."""
    return "".join(f", {n}={params[n]!r}" for n in names if params.get(n) is not None)


def broadcastable(a: Value, b: Value) -> bool:
    """Whether the shapes broadcast together (torch's rule, from the trailing dims)."""
    pairs = zip(a.shape[::-1], b.shape[::-1], strict=False)
    return all(x == y or x == 1 or y == 1 for x, y in pairs)


def away(t: torch.Tensor, points: torch.Tensor | float, margin: float = MARGIN) -> bool:
    """Every element of t is at least `margin` from `points` (broadcast)."""
    return t.numel() == 0 or bool(((t - points).abs() > margin).all())


def above(t: torch.Tensor, low: float) -> bool:
    return t.numel() == 0 or bool((t > low).all())


def below(t: torch.Tensor, high: float) -> bool:
    return t.numel() == 0 or bool((t < high).all())


def constant(pool: Pool, options: Sequence[float] = (0.5, 1.5, 2.0, -0.7, 3.0, 0.25)) -> float:
    return float(pool.choice(options))


#: every fuzzed op by key, filled by the table modules
SPECS: dict[str, Spec] = {}


def spec(key: str, torch_name: str | None = None, domain=None):
    """Register `draw` (the decorated function) with its renderer set later by `renders`."""

    def deco(draw):
        SPECS[key] = Spec(key, torch_name or key, draw, RENDERERS[key], domain)
        return draw

    return deco


RENDERERS: dict[str, object] = {}


def renders(key: str):
    def deco(fn):
        RENDERERS[key] = fn
        return fn

    return deco
