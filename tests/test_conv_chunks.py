"""Convolution builds its im2col columns a chunk of the batch at a time (conv.COLUMN_BYTES): with
chunks of one sample the values, both gradients and the second derivatives still agree with torch,
for conv, grouped and strided conv, transposed conv, and an empty batch."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import mini_autograd as ma
import mini_autograd.ops.conv as conv_ops

CASES = [
    ("conv2d", (5, 4, 9, 9), (6, 2, 3, 3), {"groups": 2, "padding": 1, "stride": 2}),
    ("conv1d", (3, 2, 7), (4, 2, 3), {"dilation": 2}),
    ("conv_transpose2d", (3, 4, 5, 5), (4, 3, 3, 3), {"stride": 2, "output_padding": 1}),
    ("conv2d", (0, 2, 5, 5), (3, 2, 3, 3), {}),
]


def _run(T, op: str, a: np.ndarray, wv: np.ndarray, kw: dict):
    x, w = T.tensor(a, requires_grad=True), T.tensor(wv, requires_grad=True)
    y = getattr(T.nn.functional, op)(x, w, **kw)
    gy = T.tensor(np.linspace(-1, 1, y.numel()).reshape(tuple(y.shape)), requires_grad=True)
    gx, gw = T.autograd.grad(y, (x, w), gy, create_graph=True)
    second = T.autograd.grad((gx * gx).sum() + (gw * gw).sum(), (x, w, gy), allow_unused=True)
    first = [y.detach().numpy(), gx.detach().numpy(), gw.detach().numpy()]
    return first + [None if t is None else t.numpy() for t in second]


@pytest.mark.parametrize("column_bytes", [1, 1 << 12, conv_ops.COLUMN_BYTES])
@pytest.mark.parametrize("op,xs,ws,kw", CASES)
def test_conv_chunked_as_torch(monkeypatch, column_bytes, op, xs, ws, kw) -> None:
    monkeypatch.setattr(conv_ops, "COLUMN_BYTES", column_bytes)
    rng = np.random.default_rng(0)
    a, wv = rng.standard_normal(xs), rng.standard_normal(ws)
    for mine, ref in zip(_run(ma, op, a, wv, kw), _run(torch, op, a, wv, kw), strict=True):
        if mine is None or ref is None:  # torch leaves some second derivatives undefined
            assert mine is None or not np.any(mine)
            continue
        np.testing.assert_allclose(mine, ref, rtol=1e-10, atol=1e-10)


def test_batches() -> None:
    assert conv_ops._batches(5, conv_ops.COLUMN_BYTES // 2) == [
        slice(0, 2),
        slice(2, 4),
        slice(4, 5),
    ]
    assert conv_ops._batches(3, 10 * conv_ops.COLUMN_BYTES) == [
        slice(0, 1),
        slice(1, 2),
        slice(2, 3),
    ]
    assert conv_ops._batches(0, 100) == [slice(0, 0)]
