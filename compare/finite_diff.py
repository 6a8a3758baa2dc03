"""Central finite differences in float64: a reference for gradients that uses no autograd at all."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any

import numpy as np

from .execute import make_tensors, outputs, to_numpy
from .inputs import Arg


def sample(rng: np.random.Generator, size: int, limit: int) -> np.ndarray:
    """Flat indices to probe: all of them for small inputs, a seeded sorted sample otherwise."""
    if size <= limit:
        return np.arange(size)
    return np.sort(rng.choice(size, size=limit, replace=False))


def finite_differences(
    fn: Callable[..., Any],
    T: ModuleType,
    arrays: Mapping[str, np.ndarray],
    specs: Mapping[str, Arg],
    gy: np.ndarray | list[np.ndarray | None],
    rng: np.random.Generator,
    limit: int,
    step: float,
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """dL/dx at sampled elements of each differentiable input, for L = sum(gy * fn(x)).

    For a case returning a tuple, `gy` has one array per output (None for outputs backward
    does not go through) and L = sum_k sum(gy_k * fn(x)_k).
    Returns {input: (flat indices, derivatives)}; evaluates `fn` with T in float64.
    """
    weights = gy if isinstance(gy, list) else [gy]

    def output(values: Mapping[str, np.ndarray]) -> list[np.ndarray]:
        outs = outputs(fn(T, *make_tensors(T, values, specs, "float64").values()), "")
        return [to_numpy(o) for o in outs]

    result = {}
    for name, spec in specs.items():
        if not spec.differentiable:
            continue
        x = np.asarray(arrays[name], dtype=np.float64)
        where = sample(rng, x.size, limit)
        derivatives = np.empty(where.size)
        for k, i in enumerate(where):
            h = step * max(1.0, abs(float(x.flat[i])))
            plus, minus = x.copy(), x.copy()
            plus.flat[i] += h
            minus.flat[i] -= h
            width = float(plus.flat[i] - minus.flat[i])  # the step actually taken, after rounding
            # difference the outputs before weighting them: outputs that do not depend on this
            # element then cancel exactly instead of drowning its change in their rounding
            up, down = output({**arrays, name: plus}), output({**arrays, name: minus})
            total = sum(
                float(np.sum(w * (a - b)))
                for w, a, b in zip(weights, up, down, strict=True)
                if w is not None
            )
            derivatives[k] = total / width
        result[name] = (where, derivatives)
    return result
