"""Max pooling's tiled path (kernel = stride, no padding: `max_pool2d(x, 2)`), against torch:
torch's tie and NaN rules for which element gets the gradient, the staged 2×2 path on contiguous
even-sized inputs and the general one, gradients that are infinite, and double backward."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import mini_autograd as ma


def _run(T, a: np.ndarray, gy: np.ndarray, fn):
    x = T.tensor(a, requires_grad=True)
    y = fn(T, x)
    g = T.tensor(gy, requires_grad=True)
    (gx,) = T.autograd.grad(y, x, g, create_graph=True)
    v = T.tensor(np.arange(gx.numel(), dtype=a.dtype).reshape(tuple(gx.shape)))
    (ggy,) = T.autograd.grad((gx * v).sum(), g)
    names = (y.grad_fn.name(), gx.grad_fn.name())
    return y.detach().numpy(), gx.detach().numpy(), ggy.numpy(), names


def _pool(k, nd=2):
    def fn(T, x):
        return getattr(T.nn.functional, f"max_pool{nd}d")(x, k)

    return fn


def _check(a: np.ndarray, fn, gy: np.ndarray | None = None) -> None:
    y = fn(torch, torch.tensor(a)).numpy()
    if gy is None:
        gy = np.random.default_rng(1).standard_normal(y.shape).astype(a.dtype)
    ours, theirs = _run(ma, a, gy, fn), _run(torch, a, gy, fn)
    for mine, ref in zip(ours[:3], theirs[:3], strict=True):
        np.testing.assert_array_equal(mine, ref)
    assert ours[3] == theirs[3]


rng = np.random.default_rng(0)
INPUTS = {
    "normal": rng.standard_normal((2, 3, 8, 6)).astype(np.float32),
    "ties": rng.integers(0, 2, (2, 3, 6, 8)).astype(np.float32),  # windows of equal maxima
    "relu": np.maximum(rng.standard_normal((3, 2, 10, 6)), 0),  # all-zero windows (float64)
    "odd": rng.integers(0, 3, (2, 2, 7, 9)).astype(np.float32),  # an untiled margin
    "unbatched": rng.integers(0, 3, (3, 6, 4)).astype(np.float64),
}


@pytest.mark.parametrize("name", sorted(INPUTS))
@pytest.mark.parametrize("k", [2, 3, (2, 3)])
def test_max_pool2d_tiled_as_torch(name: str, k) -> None:
    _check(INPUTS[name], _pool(k))


def test_max_pool2d_tiled_non_contiguous() -> None:
    def fn(T, x):
        return T.nn.functional.max_pool2d(x.transpose(2, 3), 2)

    _check(INPUTS["ties"], fn)


def test_max_pool_tiled_1d_3d() -> None:
    _check(rng.integers(0, 3, (2, 3, 9)).astype(np.float32), _pool(2, 1))
    _check(rng.integers(0, 3, (2, 2, 4, 5, 6)).astype(np.float32), _pool(2, 3))


def test_max_pool2d_tiled_nan_rule() -> None:
    # a NaN wins its window, the last NaN of the window: torch's `val > max || isnan(val)`
    a = INPUTS["ties"][:1].copy()
    a[0, 0, 0, 0] = a[0, 0, 1, 1] = a[0, 1, 1, 0] = a[0, 2, 4, 5] = np.nan
    _check(a, _pool(2))
    _check(a, _pool(3))
    for T in (torch, ma):  # the index path (return_indices, overlapping windows) agrees
        idx = T.nn.functional.max_pool2d(T.tensor(a), 2, stride=1, return_indices=True)[1]
        if T is torch:
            ref = idx.numpy()
        else:
            np.testing.assert_array_equal(idx.numpy(), ref)


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
def test_max_pool2d_tiled_infinite_gradient() -> None:
    a = np.zeros((1, 1, 2, 4), np.float32)
    gy = np.array([[[[np.inf, 1.0]]]], np.float32)
    _check(a, _pool(2), gy)


def test_max_pool2d_tiled_memory_is_a_mask() -> None:
    # what backward keeps is one byte per input element (torch keeps eight per output: int64)
    x = ma.randn(2, 3, 8, 8, requires_grad=True)
    y = ma.nn.functional.max_pool2d(x, 2)
    assert y.grad_fn.mask.dtype == np.bool_ and y.grad_fn.mask.shape == (2, 3, 8, 8)
