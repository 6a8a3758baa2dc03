"""The arguments torch accepts beyond the op's own (issue 13): numpy's axis=/keepdims=,
memory_format=, dtype= on reductions, device= checked to be the CPU, randint(high, size),
generator=, 0-d edge cases, and the gradients of abs/relu/elu at nan and at their kinks."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import mini_autograd as ma

X = np.arange(12.0).reshape(3, 4) - 5.5


def both(fn):
    """fn under torch and mini_autograd on the same (3, 4) float64 input, as numpy arrays."""
    t = fn(torch, torch.tensor(X))
    m = fn(ma, ma.tensor(X))
    return t, m


@pytest.mark.parametrize(
    "fn",
    [
        lambda T, x: x.sum(axis=0),
        lambda T, x: T.sum(x, axis=1, keepdims=True),
        lambda T, x: x.mean(axis=(0, 1)),
        lambda T, x: x.amax(axis=0, keepdims=True),
        lambda T, x: x.max(axis=1).values,
        lambda T, x: x.argmax(axis=0),
        lambda T, x: x.softmax(axis=0),
        lambda T, x: x.cumsum(axis=1),
        lambda T, x: x.std(axis=0),
        lambda T, x: x.logsumexp(axis=1),
        lambda T, x: x.unsqueeze(axis=0),
        lambda T, x: T.cat([x, x], axis=0),
        lambda T, x: x.sort(axis=0).values,
        lambda T, x: (x > 0).any(axis=0),
        lambda T, x: x.sum(dtype=T.float32),
        lambda T, x: x.cumsum(0, dtype=T.float32),
        lambda T, x: x.clone(memory_format=T.contiguous_format),
        lambda T, x: x.float(memory_format=T.preserve_format),
        lambda T, x: x.to("cpu", T.float32, non_blocking=True),
        lambda T, x: x.contiguous(),
        lambda T, x: T.zeros(2, device="cpu") + T.ones(2, device=T.device("cpu")),
        lambda T, x: T.randn_like(x, device="cpu").shape == x.shape,
        lambda T, x: T.transpose(T.tensor(2.0), 0, -1),
        lambda T, x: T.gather(T.tensor(3.0), 0, T.tensor([0, 0])),
        lambda T, x: T.sign(T.tensor([math.nan, -0.0, 2.0])),
    ],
)
def test_accepted_as_torch(fn):
    t, m = both(fn)
    if isinstance(t, bool):
        assert m is t
        return
    assert m.dtype.name == str(t.dtype).removeprefix("torch.")
    np.testing.assert_allclose(m.numpy(), t.numpy())


def test_both_axis_and_dim_is_an_error():
    with pytest.raises(TypeError, match="both 'axis' and 'dim'"):
        ma.ones(2).sum(axis=0, dim=0)


@pytest.mark.parametrize(
    "device, error, match",
    [
        ("cuda", AssertionError, "Torch not compiled with CUDA enabled"),
        ("cuda:0", AssertionError, "Torch not compiled with CUDA enabled"),
        (0, RuntimeError, "Cannot access accelerator device when none is available"),
    ],
)
def test_a_gpu_device_is_refused_as_torch_without_one(device, error, match):
    with pytest.raises(error, match=match):
        ma.zeros(2, device=device)
    with pytest.raises(error, match=match):
        torch.zeros(2, device=device)


def test_other_devices_are_refused_with_a_message():
    with pytest.raises(RuntimeError, match="mini_autograd runs on the CPU only"):
        ma.ones(2).to("mps")
    with pytest.raises(RuntimeError, match="Expected one of cpu, cuda"):
        ma.device("gpu")
    assert ma.device("cpu:0") == ma.device("cpu", 0) and str(ma.device("cpu")) == "cpu"
    assert repr(ma.device("cuda", 1)) == repr(torch.device("cuda", 1))


def test_randint_high_size_and_generators():
    r = ma.randint(10, (500,))
    assert r.dtype == ma.int64 and tuple(r.shape) == (500,)
    assert r.min().item() >= 0 and r.max().item() == 9
    g1, g2 = ma.Generator().manual_seed(7), ma.Generator().manual_seed(7)
    for f in (ma.rand, ma.randn):
        assert f(3, generator=g1).tolist() == f(3, generator=g2).tolist()
    assert (
        ma.randint(0, 5, (4,), generator=g1).tolist()
        == ma.randint(0, 5, (4,), generator=g2).tolist()
    )
    assert ma.randperm(6, generator=g1).tolist() == ma.randperm(6, generator=g2).tolist()
    assert g1.initial_seed() == 7


@pytest.mark.parametrize(
    "act",
    [
        lambda T, x: T.abs(x),
        lambda T, x: T.relu(x),
        lambda T, x: T.nn.functional.elu(x),
        lambda T, x: T.nn.functional.leaky_relu(x),
        lambda T, x: T.sign(x),
        lambda T, x: T.clamp(x, 0.0, 1.0),
    ],
    ids=["abs", "relu", "elu", "leaky_relu", "sign", "clamp"],
)
def test_gradients_at_nan_and_kinks_as_torch(act):
    v = [math.nan, 0.0, -0.0, 1.0, -1.0]
    t = torch.tensor(v, dtype=torch.float64, requires_grad=True)
    m = ma.tensor(v, dtype=ma.float64, requires_grad=True)
    act(torch, t).sum().backward()
    act(ma, m).sum().backward()
    np.testing.assert_array_equal(m.grad.numpy(), t.grad.numpy())
    np.testing.assert_array_equal(act(ma, m).detach().numpy(), act(torch, t).detach().numpy())
