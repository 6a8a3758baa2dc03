"""One graph node for a whole LSTM or GRU layer (one direction, equal-length sequences): the
forward loops over time on arrays, the backward is BPTT written once for arrays and for Tensors,
so under create_graph it records its own graph (second order) from our ops. The op-by-op loop
costs ~15 nodes per step; this is one node per layer."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..._function import Function
from ..._tensor import Tensor
from ...ops.join import cat, stack
from ...ops.unary import _sigmoid, quiet, sigmoid, tanh


def _joiners(gx: Any, tensors: bool) -> tuple[Any, Any]:
    """join(parts, t): step t's gate gradients side by side; pile(list): all steps stacked. On
    arrays they are written straight into one (T, B, G) buffer; on Tensors, recorded cat/stack."""
    if tensors:
        return (lambda parts, t: cat(parts, 1)), stack
    buf = np.empty(gx.shape, dtype=gx.dtype)
    return (lambda parts, t: np.concatenate(parts, 1, out=buf[t])), (lambda _: buf)


def _weight_grad(dgx: Any, inputs: list[Any], stack_tensors: Any) -> Any:
    """dW = sum over steps of dz_t^T h_t, as one matmul over (T B) rows."""
    hs = stack_tensors(inputs) if isinstance(dgx, Tensor) else np.stack(inputs)
    rows = dgx.shape[0] * dgx.shape[1]
    return dgx.reshape(rows, dgx.shape[2]).T @ hs.reshape(rows, hs.shape[2])


def _steps(gx: Any, h: Any, c: Any, w_hh: Any, sig: Any, th: Any) -> list[tuple]:
    """Per step (i, f, g, o, c_prev, tanh(c), h_prev, h): z = gx_t + h W_hh^T;
    c' = f c + i g; h' = o tanh(c')."""
    n = w_hh.shape[1]
    w_t = w_hh.T
    out = []
    for t in range(gx.shape[0]):
        z = gx[t] + h @ w_t
        s = sig(z)  # one call for the three sigmoid gates (g's part unused)
        i, f, o = s[:, :n], s[:, n : 2 * n], s[:, 3 * n :]
        g = th(z[:, 2 * n : 3 * n])
        c_new = f * c + i * g
        tc = th(c_new)
        h_new = o * tc
        out.append((i, f, g, o, c, tc, h, h_new))
        h, c = h_new, c_new
    return out


def _bptt(steps: list[tuple], g_hs: Any, g_c: Any, w_hh: Any, join: Any, pile: Any) -> tuple:
    """d/d(gx, h0, c0, W_hh) from the per-step values: do = dh tanh(c) o(1-o),
    dc = dh o (1 - tanh(c)^2) + dc', di = dc g i(1-i), df = dc c_prev f(1-f), dg = dc i (1-g^2)."""
    dh_next = None
    dc = g_c  # c_T's own gradient, if it has one
    dgx = [None] * len(steps)
    for t in range(len(steps) - 1, -1, -1):
        i, f, g, o, c_prev, tc, h_prev, _ = steps[t]
        dh = g_hs[t] if dh_next is None else g_hs[t] + dh_next
        dct = dh * o * (1 - tc * tc)
        dc = dct if dc is None else dct + dc
        dz = join(
            [dc * g * (i * (1 - i)), dc * c_prev * (f * (1 - f)), dc * i * (1 - g * g),
             dh * tc * (o * (1 - o))], t
        )  # fmt: skip
        dgx[t] = dz
        dh_next = dz @ w_hh
        dc = dc * f
    dgx = pile(dgx)
    return dgx, dh_next, dc, _weight_grad(dgx, [s[6] for s in steps], stack)


class LSTMLayer(Function):
    """(gx (T, B, 4H) = W_ih x + b_ih + b_hh, h0, c0, W_hh) -> (h over time (T, B, H), c_T)."""

    def name(self) -> str:
        return "LSTMLayerBackward"

    def forward(self, gx, h0, c0, w_hh):
        steps = _steps(gx, h0, c0, w_hh, lambda v: quiet(_sigmoid, v), np.tanh)
        self._steps = steps
        i, f, g, _, c_prev, _, _, _ = steps[-1]
        return np.stack([s[7] for s in steps]), f * c_prev + i * g

    def backward(self, gys, gx, h0, c0, w_hh):
        g_hs, g_c = gys
        tensors = isinstance(gx, Tensor)
        # under create_graph the per-step values again, recorded, from the input Tensors
        steps = _steps(gx, h0, c0, w_hh, sigmoid, tanh) if tensors else self._steps
        if g_hs is None:  # only c_T was used
            g_hs = np.zeros((gx.shape[0], *h0.shape), dtype=gx.dtype if not tensors else None)
            if tensors:
                g_hs = Tensor(g_hs.astype(gx._data.dtype))
        join, pile = _joiners(gx, tensors)
        return _bptt(steps, g_hs, g_c, w_hh, join, pile)

    def _release(self) -> None:
        self.__dict__.pop("_steps", None)
        super()._release()


def _gru_steps(gx: Any, h: Any, w_hh: Any, b_hh: Any, sig: Any, th: Any) -> list[tuple]:
    """Per step (r, z, n, W_hn h + b_hn, h_prev, h): r, z = σ(..); n = tanh(x_n + r (W_hn h +
    b_hn)); h' = n + z (h - n)."""
    k = w_hh.shape[1]
    w_t = w_hh.T
    out = []
    for t in range(gx.shape[0]):
        hz = h @ w_t if b_hh is None else h @ w_t + b_hh
        x_t = gx[t]
        rz = sig(x_t[:, : 2 * k] + hz[:, : 2 * k])
        r, z = rz[:, :k], rz[:, k:]
        nh = hz[:, 2 * k :]
        n = th(x_t[:, 2 * k :] + r * nh)
        h_new = n + z * (h - n)
        out.append((r, z, n, nh, h, h_new))
        h = h_new
    return out


def _gru_bptt(steps: list[tuple], g_hs: Any, w_hh: Any, join: Any, pile: Any) -> tuple:
    """dn = dh (1 - z) (1 - n^2), dr = dn nh r(1-r), dz = dh (h - n) z(1-z);
    dh_prev = dh z + dhz W_hh with dhz = (dr, dz, dn r)."""
    dh_next = db = None
    dgx, dhzs = [None] * len(steps), [None] * len(steps)
    for t in range(len(steps) - 1, -1, -1):
        r, z, n, nh, h_prev, _ = steps[t]
        dh = g_hs[t] if dh_next is None else g_hs[t] + dh_next
        dn = dh * (1 - z) * (1 - n * n)
        dr = dn * nh * (r * (1 - r))
        dz = dh * (h_prev - n) * (z * (1 - z))
        dgx[t] = join[0]([dr, dz, dn], t)
        dhzs[t] = dhz = join[1]([dr, dz, dn * r], t)
        dh_next = dh * z + dhz @ w_hh
    dgx, dhz = pile[0](dgx), pile[1](dhzs)
    db = dhz.sum((0, 1))
    return dgx, dh_next, _weight_grad(dhz, [s[4] for s in steps], stack), db


class GRULayer(Function):
    """(gx (T, B, 3H) = W_ih x + b_ih, h0, W_hh, b_hh or None) -> h over time (T, B, H)."""

    def name(self) -> str:
        return "GRULayerBackward"

    def forward(self, gx, h0, w_hh, b_hh):
        steps = _gru_steps(gx, h0, w_hh, b_hh, lambda v: quiet(_sigmoid, v), np.tanh)
        self._steps = steps
        return np.stack([s[5] for s in steps])

    def backward(self, g_hs, gx, h0, w_hh, b_hh):
        tensors = isinstance(gx, Tensor)
        steps = _gru_steps(gx, h0, w_hh, b_hh, sigmoid, tanh) if tensors else self._steps
        (j1, p1), (j2, p2) = _joiners(gx, tensors), _joiners(gx, tensors)
        dgx, dh0, dw, db = _gru_bptt(steps, g_hs, w_hh, (j1, j2), (p1, p2))
        return dgx, dh0, dw, (db if b_hh is not None else None)

    def _release(self) -> None:
        self.__dict__.pop("_steps", None)
        super()._release()
