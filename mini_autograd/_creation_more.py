"""More creation functions: logspace, normal, scalar_tensor, tril_indices, triu_indices, and the
samplers randint_like, bernoulli and multinomial."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _creation, _dtype
from ._dtype import dtype as DType
from ._tensor import Tensor, _make
from .ops._util import TORCH_DTYPE_NAMES, shape_arg


def logspace(
    start: float,
    end: float,
    steps: int,
    base: float = 10.0,
    *,
    dtype: DType | None = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """`steps` values base ** linspace(start, end, steps)."""
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    exponents = np.linspace(float(start), float(end), int(steps))
    arr = np.power(float(base), exponents).astype(_creation._float_np(dtype))
    return _creation._finish(arr, requires_grad, "logspace")


def normal(
    mean: Any,
    std: Any = 1.0,
    size: Any = None,
    *,
    generator: Any = None,
    dtype: DType | None = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Normal samples: normal(mean, std, size) of floats, or elementwise from mean/std tensors."""
    tensors = [v for v in (mean, std) if isinstance(v, Tensor)]
    if not tensors and size is None:
        raise TypeError(
            "normal() received an invalid combination of arguments - got "
            f"({type(mean).__name__}, {type(std).__name__}), but expected one of: (float mean, "
            "float std, tuple of ints size) or a Tensor mean or std"
        )
    m = mean._data if isinstance(mean, Tensor) else np.asarray(float(mean))
    s = std._data if isinstance(std, Tensor) else np.asarray(float(std))
    if np.any(s < 0):
        raise RuntimeError(f"normal expects std >= 0.0, but found std {s.min():g}")
    if tensors:
        np_dtype = np.result_type(*[t._data for t in tensors])
        shape = np.broadcast_shapes(m.shape, s.shape)
    else:
        np_dtype = _creation._float_np(dtype)
        shape = _creation.check_size(shape_arg((size,)), "normal")
    z = _creation._gen(generator).standard_normal(shape)
    return _creation._finish((m + s * z).astype(np_dtype), requires_grad, "normal")


def scalar_tensor(
    s: Any, *, dtype: DType | None = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """A 0-d tensor of the default float dtype (or `dtype`) holding s."""
    arr = np.array(s, dtype=_creation._float_np(dtype))
    return _creation._finish(arr, requires_grad, "scalar_tensor")


def _tri_indices(row: int, col: int, offset: int, upper: bool, dtype: DType | None) -> Tensor:
    for name, v in (("row", row), ("col", col)):
        if v < 0:
            raise RuntimeError(f"{name} must be non-negative, got{v}")
    rows, cols = (np.triu_indices if upper else np.tril_indices)(row, offset, col)
    np_dtype = np.int64 if dtype is None else _dtype.as_numpy_dtype(dtype)
    return _make(np.stack([rows, cols]).astype(np_dtype).reshape(2, -1))


def tril_indices(
    row: int, col: int, offset: int = 0, *, dtype: DType | None = None, device: Any = None
) -> Tensor:
    """The [2, N] row/column indices of the lower triangle of a row x col matrix."""
    return _tri_indices(row, col, offset, False, dtype)


def triu_indices(
    row: int, col: int, offset: int = 0, *, dtype: DType | None = None, device: Any = None
) -> Tensor:
    """The [2, N] row/column indices of the upper triangle of a row x col matrix."""
    return _tri_indices(row, col, offset, True, dtype)


def randint_like(
    input: Tensor,
    low: int = 0,
    high: int | None = None,
    *,
    dtype: DType | None = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Random integers in [low, high) (randint_like(x, high) from 0), shaped and typed as input."""
    if high is None:
        low, high = 0, low
    out = _creation.randint(low, high, tuple(input.shape), dtype=dtype or input.dtype)
    return _creation._finish(out._data, requires_grad, "randint_like")


def bernoulli(input: Tensor, p: float | None = None, *, generator: Any = None) -> Tensor:
    """0/1 draws, 1 with probability input (or p), in input's dtype."""
    x = input._data
    if x.dtype.kind != "f":
        raise NotImplementedError(
            f"\"bernoulli_tensor_cpu_p_\" not implemented for '{TORCH_DTYPE_NAMES[x.dtype.name]}'"
        )
    prob = np.full(x.shape, float(p)) if p is not None else x
    if np.any((prob < 0) | (prob > 1)) or np.any(np.isnan(prob)):
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
    u = _creation._gen(generator).random(x.shape)
    return _make((u < prob).astype(x.dtype))


def multinomial(
    input: Tensor, num_samples: int, replacement: bool = False, *, generator: Any = None
) -> Tensor:
    """Indices drawn from the rows of input (unnormalised probabilities): int64, one row of
    num_samples per distribution; without replacement each index at most once."""
    x = input._data
    if x.dtype.kind != "f":
        raise RuntimeError(
            "multinomial only supports floating-point dtypes for input, got: "
            f"{TORCH_DTYPE_NAMES[x.dtype.name]}"
        )
    if x.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    if not replacement and num_samples > x.shape[-1]:
        raise RuntimeError(
            "cannot sample n_sample > prob_dist.size(-1) samples without replacement"
        )
    rows = np.atleast_2d(x).astype(np.float64)
    if not np.all(np.isfinite(rows)) or np.any(rows < 0):
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if np.any(rows.sum(-1) <= 0):
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    rng = _creation._gen(generator)
    if replacement:
        out = np.stack([rng.choice(len(r), num_samples, p=r / r.sum()) for r in rows])
    else:  # torch's race: the largest p / Exp(1) win (zero-probability ones come last)
        scores = rows / rng.exponential(size=rows.shape)
        out = np.argsort(-scores, axis=-1, kind="stable")[:, :num_samples]
    out = out.astype(np.int64)
    return _make(out if x.ndim == 2 else out[0])


def bernoulli_(self: Tensor, p: float | Tensor = 0.5, *, generator: Any = None) -> Tensor:
    """Fill self in place with 0/1 draws, 1 with probability p (a number or a tensor)."""
    from . import _inplace  # in-place writes build on the ops

    def draw(t: Tensor) -> Tensor:
        shape = t._data.shape
        if isinstance(p, Tensor):
            probs = np.broadcast_to(p._data, shape).astype(np.float64)
        else:
            probs = np.full(shape, float(p))
        return bernoulli(_make(probs), generator=generator).to(t.dtype)

    return _inplace.apply(self, "bernoulli_", draw)


Tensor.bernoulli = bernoulli  # type: ignore[attr-defined]
Tensor.bernoulli_ = bernoulli_  # type: ignore[attr-defined]
Tensor.multinomial = multinomial  # type: ignore[attr-defined]

for _name in (
    "logspace", "normal", "scalar_tensor", "tril_indices", "triu_indices", "randint_like",
):  # fmt: skip
    globals()[_name] = _creation._on_cpu(globals()[_name])
