"""The benchmark workloads of networks and their plumbing: convolutions (im2col against a numpy
floor), LeNet, pooling and batch norm, LSTM and GRU, a DataLoader epoch and a checkpoint round
trip, each written once against the torch namespace `T` (see workload.py)."""

from __future__ import annotations

from types import ModuleType

import numpy as np

from .workload import Step, leaf, normal, seeded, workload

# --- convolutional networks: im2col + one matmul per convolution, pooling on windowed views ------


def _np_conv(x: np.ndarray, w: np.ndarray, pad: int) -> tuple[np.ndarray, np.ndarray]:
    """y = conv2d(x, w) (stride 1) as im2col + one matmul, and the columns (for backward)."""
    from numpy.lib.stride_tricks import sliding_window_view

    n, c, _, _ = x.shape
    o, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad))) if pad else x
    win = sliding_window_view(xp, (kh, kw), axis=(2, 3))  # (N, C, Ho, Wo, kh, kw)
    ho, wo = win.shape[2:4]
    cols = np.ascontiguousarray(win.transpose(0, 1, 4, 5, 2, 3)).reshape(n, c * kh * kw, ho * wo)
    y = np.matmul(w.reshape(o, -1), cols).reshape(n, o, ho, wo)
    return y, cols


def _np_conv_backward(gy, cols, x_shape, w, pad):
    """dW = Σ_n gy_n cols_nᵀ (one batched matmul), dX = col2im(Wᵀ gy) by strided accumulation."""
    n, c, h, wd = x_shape
    o, _, kh, kw = w.shape
    ho, wo = gy.shape[2:]
    g = gy.reshape(n, o, -1)
    gw = np.matmul(g, cols.swapaxes(1, 2)).sum(0).reshape(w.shape)
    dcols = np.matmul(w.reshape(o, -1).T, g).reshape(n, c, kh, kw, ho, wo)
    gxp = np.zeros((n, c, h + 2 * pad, wd + 2 * pad), dtype=gy.dtype)
    for i in range(kh):
        for j in range(kw):
            gxp[:, :, i : i + ho, j : j + wo] += dcols[:, :, i, j]
    return gxp[:, :, pad : pad + h, pad : pad + wd], gw


def _conv3x3_floor(batch: int, channels: int, side: int) -> Step:
    """conv2d(x, w, padding=1) forward and both gradients in numpy: the im2col floor."""
    rng = seeded()
    x = normal(rng, (batch, channels, side, side))
    w = normal(rng, (channels, channels, 3, 3), scale=0.05)
    gy = normal(rng, (batch, channels, side, side))

    def step() -> object:
        _, cols = _np_conv(x, w, 1)
        return _np_conv_backward(gy, cols, x.shape, w, 1)

    return step


@workload(
    title="3×3 conv, channels → channels, side×side, padding 1, fwd+bwd, float32",
    size={"batch": 16, "channels": 64, "side": 32},
    quick={"batch": 2, "channels": 4, "side": 6},
    goal=2.5,
    floor=_conv3x3_floor,
    memory_goal=2.0,
)
def conv3x3(T: ModuleType, batch: int, channels: int, side: int) -> Step:
    rng = seeded()
    x = leaf(T, normal(rng, (batch, channels, side, side)))
    w = leaf(T, normal(rng, (channels, channels, 3, 3), scale=0.05))
    b = leaf(T, np.zeros(channels, dtype=np.float32))
    gy = T.tensor(normal(rng, (batch, channels, side, side)))
    conv2d = T.nn.functional.conv2d

    def step() -> object:
        x.grad = w.grad = b.grad = None
        conv2d(x, w, b, padding=1).backward(gy)
        return w.grad

    return step


def _lenet_params(rng: np.random.Generator) -> list[np.ndarray]:
    shapes = [(6, 1, 5, 5), (6,), (16, 6, 5, 5), (16,), (256, 120), (120,), (120, 84), (84,)]
    shapes += [(84, 10), (10,)]
    return [normal(rng, s, scale=0.1) for s in shapes]


def _lenet_floor(batch: int) -> Step:
    """The LeNet step's convolutions (im2col, matmul, col2im) and linear layers in numpy: the
    matmul work an im2col engine cannot avoid (pooling, relu and the loss left out)."""
    rng = seeded()
    x = normal(rng, (batch, 1, 28, 28))
    w1, _, w2, _, l1, _, l2, _, l3, _ = _lenet_params(rng)
    h1 = normal(rng, (batch, 6, 12, 12))
    flat = normal(rng, (batch, 256))

    def step() -> object:
        y1, c1 = _np_conv(x, w1, 0)
        y2, c2 = _np_conv(h1, w2, 0)
        a = flat @ l1
        b = a @ l2
        g = (b @ l3) @ l3.T
        g = (g @ l2.T) @ l1.T
        flat.T @ a, a.T @ b  # noqa: B018 - the weight gradients of the linear layers
        _np_conv_backward(y2, c2, h1.shape, w2, 0)
        return _np_conv_backward(y1, c1, x.shape, w1, 0)

    return step


@workload(
    title="LeNet step: batch×1×28×28 → conv 6@5×5 → relu → maxpool 2 → conv 16@5×5 → relu → "
    "maxpool 2 → 256 → 120 → 84 → 10, cross-entropy, fwd+bwd, float32",
    size={"batch": 32},
    quick={"batch": 2},
    goal=2.0,
    floor=_lenet_floor,
)
def lenet_step(T: ModuleType, batch: int) -> Step:
    rng = seeded()
    F = T.nn.functional
    x = T.tensor(normal(rng, (batch, 1, 28, 28)))
    target = T.tensor(rng.integers(0, 10, batch))
    params = [leaf(T, p) for p in _lenet_params(rng)]
    w1, b1, w2, b2, l1, c1, l2, c2, l3, c3 = params

    def step() -> object:
        for p in params:
            p.grad = None
        h = F.max_pool2d(F.relu(F.conv2d(x, w1, b1)), 2)
        h = F.max_pool2d(F.relu(F.conv2d(h, w2, b2)), 2)
        h = F.relu(h.flatten(1) @ l1 + c1)
        h = F.relu(h @ l2 + c2)
        loss = F.cross_entropy(h @ l3 + c3, target)
        loss.backward()
        return loss

    return step


@workload(
    title="max_pool2d 2×2 over (batch, channels, side, side), fwd+bwd, float32",
    size={"batch": 32, "channels": 64, "side": 32},
    quick={"batch": 2, "channels": 3, "side": 4},
    goal=2.0,
)
def max_pool(T: ModuleType, batch: int, channels: int, side: int) -> Step:
    rng = seeded()
    x = leaf(T, normal(rng, (batch, channels, side, side)))
    gy = T.tensor(normal(rng, (batch, channels, side // 2, side // 2)))
    max_pool2d = T.nn.functional.max_pool2d

    def step() -> object:
        x.grad = None
        max_pool2d(x, 2).backward(gy)
        return x.grad

    return step


@workload(
    title="batch_norm in training mode (affine, running stats) over (batch, channels, side, side), "
    "fwd+bwd, float32",
    size={"batch": 32, "channels": 64, "side": 32},
    quick={"batch": 2, "channels": 3, "side": 4},
    goal=2.0,
)
def batch_norm(T: ModuleType, batch: int, channels: int, side: int) -> Step:
    rng = seeded()
    x = leaf(T, normal(rng, (batch, channels, side, side)))
    w = leaf(T, np.ones(channels, dtype=np.float32))
    b = leaf(T, np.zeros(channels, dtype=np.float32))
    mean, var = T.zeros(channels), T.ones(channels)
    gy = T.tensor(normal(rng, (batch, channels, side, side)))
    bn = T.nn.functional.batch_norm

    def step() -> object:
        x.grad = w.grad = b.grad = None
        bn(x, mean, var, w, b, training=True).backward(gy)
        return x.grad

    return step


def _recurrent(T: ModuleType, kind: str, seq: int, batch: int, d_in: int, hidden: int) -> Step:
    rng = seeded()
    layer = getattr(T.nn, kind)(d_in, hidden)
    layer.load_state_dict(
        {k: T.tensor(normal(rng, tuple(v.shape), 0.1)) for k, v in layer.state_dict().items()}
    )
    x = T.tensor(normal(rng, (seq, batch, d_in)))

    def step() -> object:
        layer.zero_grad()
        out, _ = layer(x)
        out.sum().backward()
        return layer.weight_hh_l0.grad

    return step


@workload(
    title="nn.LSTM(32, 64) over seq 35 × batch 20, fwd+bwd, float32",
    size={"seq": 35, "batch": 20, "d_in": 32, "hidden": 64},
    quick={"seq": 3, "batch": 2, "d_in": 4, "hidden": 8},
    goal=2.0,
)
def lstm_step(T: ModuleType, seq: int, batch: int, d_in: int, hidden: int) -> Step:
    return _recurrent(T, "LSTM", seq, batch, d_in, hidden)


@workload(
    title="nn.GRU(32, 64) over seq 35 × batch 20, fwd+bwd, float32",
    size={"seq": 35, "batch": 20, "d_in": 32, "hidden": 64},
    quick={"seq": 3, "batch": 2, "d_in": 4, "hidden": 8},
    goal=2.0,
)
def gru_step(T: ModuleType, seq: int, batch: int, d_in: int, hidden: int) -> Step:
    return _recurrent(T, "GRU", seq, batch, d_in, hidden)


@workload(
    title="one epoch of DataLoader(TensorDataset(x, y), 64, shuffle=True), 60,000 × 784 float32",
    size={"n": 60_000, "features": 784, "batch": 64},
    quick={"n": 1000, "features": 8, "batch": 64},
    goal=0.5,
    heavy=True,
)
def dataloader_epoch(T: ModuleType, n: int, features: int, batch: int) -> Step:
    rng = seeded()
    x = T.tensor(normal(rng, (n, features)))
    y = T.tensor(rng.integers(0, 10, n))
    loader = T.utils.data.DataLoader(
        T.utils.data.TensorDataset(x, y), batch_size=batch, shuffle=True
    )

    def step() -> object:
        return sum(len(yb) for _, yb in loader)

    return step


@workload(
    title="save + load of a 10 M-parameter state_dict (torch's zip format)",
    size={"params": 10_000_000},
    quick={"params": 10_000},
    goal=1.5,
    heavy=True,
)
def checkpoint_roundtrip(T: ModuleType, params: int) -> Step:
    import os
    import tempfile

    rng = seeded()
    rows = 1000
    state = {
        f"layer{i}.weight": T.tensor(normal(rng, (rows, params // (10 * rows)))) for i in range(10)
    }
    path = os.path.join(tempfile.mkdtemp(), "checkpoint.pt")

    def step() -> object:
        T.save(state, path)
        return T.load(path, weights_only=True)

    return step
