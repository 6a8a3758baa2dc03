"""Input declarations of function cases, and the seeded arrays made from them."""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

#: numpy dtypes of non-float inputs, by torch name
INT_DTYPES = {"int64": np.int64, "bool": np.bool_}


@dataclass(frozen=True)
class Arg:
    """One input of a case: fixed values, or a shape filled uniformly from [low, high)."""

    shape: tuple[int, ...] = ()
    low: float = -1.0
    high: float = 1.0
    value: object = None  # fixed values (nested lists or a number) instead of random ones
    requires_grad: bool = True
    dtype: str = "float"  # "float" (the run's dtype), "int64" or "bool"

    @property
    def differentiable(self) -> bool:
        return self.requires_grad and self.dtype == "float"

    def make(self, rng: np.random.Generator) -> np.ndarray:
        """The input's values: float64 for float inputs (a run casts them), else its own dtype."""
        if self.value is not None:
            kind = np.float64 if self.dtype == "float" else INT_DTYPES[self.dtype]
            return np.array(self.value, dtype=kind)
        if self.dtype == "int64":
            return rng.integers(int(self.low), int(self.high), size=self.shape, dtype=np.int64)
        if self.dtype == "bool":
            return rng.random(self.shape) < 0.5
        return rng.uniform(self.low, self.high, size=self.shape)

    def describe(self) -> str:
        """How the values were chosen, for a case page."""
        if self.value is not None:
            return "fixed"
        if self.dtype == "int64":
            return f"integers in [{self.low:g}, {self.high:g})"
        if self.dtype == "bool":
            return "random booleans"
        return f"uniform in [{self.low:g}, {self.high:g})"


def uniform(*shape: int, low: float = -1.0, high: float = 1.0, requires_grad: bool = True) -> Arg:
    """A float input of `shape` with values uniform in [low, high)."""
    return Arg(shape=shape, low=low, high=high, requires_grad=requires_grad)


def fixed(value: object, requires_grad: bool = True) -> Arg:
    """A float input with exactly these values (a number or nested lists)."""
    return Arg(shape=np.shape(value), value=value, requires_grad=requires_grad)


def const(*shape: int, low: float = -1.0, high: float = 1.0) -> Arg:
    """A float input that does not require grad (targets, masks, constants)."""
    return uniform(*shape, low=low, high=high, requires_grad=False)


def index(*shape: int, high: int) -> Arg:
    """An int64 input with values in [0, high): class indices, gather indices."""
    return Arg(shape=shape, low=0, high=high, requires_grad=False, dtype="int64")


def fixed_index(value: object) -> Arg:
    """An int64 input with exactly these values."""
    return Arg(shape=np.shape(value), value=value, requires_grad=False, dtype="int64")


def rng_for(seed: int, case: str, stream: str) -> np.random.Generator:
    """A generator that depends only on the seed, the case's name and the stream's purpose.

    So a case draws the same numbers whichever other cases or dtypes run with it.
    """
    return np.random.default_rng([seed, zlib.crc32(case.encode()), zlib.crc32(stream.encode())])


@dataclass(frozen=True)
class Draws:
    """A case's seeded weights: the upstream gradient and the second-order weights.

    Ones for a 0-d tensor, standard normal otherwise, drawn in float64; `rounded_to` passes them
    through a lower precision first (a float32 run's float64 reference uses the same numbers).
    """

    seed: int
    case: str
    rounded_to: type | None = None

    def upstream(self, shape: tuple[int, ...], output: int = 0) -> np.ndarray:
        """gy for `out.backward(gy)`; for the k-th output of a case returning a tuple."""
        return self._draw("upstream" if output == 0 else f"upstream {output}", shape)

    def weights(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """w for input `name` in s = sum(w * grad), whose gradient is the second order."""
        return self._draw(f"second order {name}", shape)

    def _draw(self, stream: str, shape: tuple[int, ...]) -> np.ndarray:
        shape = tuple(shape)
        w = (
            np.ones(shape)
            if shape == ()
            else rng_for(self.seed, self.case, stream).normal(size=shape)
        )
        return w if self.rounded_to is None else w.astype(self.rounded_to).astype(np.float64)
