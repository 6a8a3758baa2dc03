"""torch's own sample inputs (OpInfo `op_db`) for the convolutional road's ops, run in torch and
mini_autograd: the same outputs and the same gradients (float64, a seeded upstream gradient).

By default a seeded slice of each op's samples runs (a few per op); set MINI_AUTOGRAD_OPDB=full
for every sample (thousands: max_pool alone has over two thousand)."""

from __future__ import annotations

import os
import random
import warnings

import numpy as np
import pytest
import torch

import mini_autograd as ma

common = pytest.importorskip(
    "torch.testing._internal.common_methods_invocations", reason="needs expecttest"
)

FULL = os.environ.get("MINI_AUTOGRAD_OPDB") == "full"
PER_OP = 4  # samples per op in the default slice

#: op_db entries (name, variant) and why some are not run
OPS = [
    "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
    "max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d", "adaptive_avg_pool2d",
    "adaptive_max_pool2d", "batch_norm", "group_norm", "instance_norm", "local_response_norm",
    "pad", "unfold", "interpolate", "pixel_shuffle", "pixel_unshuffle", "grid_sample",
    "max_unpool2d",
]  # fmt: skip
SKIP_VARIANTS: dict[tuple[str, str], str] = {}


def _samples() -> list[pytest.param]:
    params = []
    for info in common.op_db:
        name = info.name.removeprefix("nn.functional.")
        if not info.name.startswith("nn.functional.") or name not in OPS:
            continue
        if (name, info.variant_test_name) in SKIP_VARIANTS:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            samples = list(info.sample_inputs("cpu", torch.float64, requires_grad=True))
        indices = list(range(len(samples)))
        if not FULL:
            indices = sorted(random.Random(f"{info.name}.{info.variant_test_name}").sample(
                indices, min(PER_OP, len(indices))
            ))  # fmt: skip
        label = f"{name}.{info.variant_test_name}" if info.variant_test_name else name
        params += [pytest.param(info, samples[i], id=f"{label}-{i}") for i in indices]
    return params


def _to_ma(v):
    if isinstance(v, torch.Tensor):
        t = ma.tensor(v.detach().numpy().copy())
        return t.requires_grad_() if v.requires_grad else t
    if isinstance(v, tuple | list):
        return type(v)(_to_ma(a) for a in v)
    if isinstance(v, dict):
        return {k: _to_ma(a) for k, a in v.items()}
    if isinstance(v, torch.dtype):
        return getattr(ma, str(v).removeprefix("torch."))
    return v


def _leaves(v) -> list:
    if isinstance(v, torch.Tensor | ma.Tensor):
        return [v] if v.requires_grad else []
    if isinstance(v, tuple | list):
        return [t for a in v for t in _leaves(a)]
    if isinstance(v, dict):
        return [t for a in v.values() for t in _leaves(a)]
    return []


def _first(out):
    return out[0] if isinstance(out, tuple | list) else out


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize(("info", "sample"), _samples())
def test_op_db_sample(info, sample):
    name = info.name.removeprefix("nn.functional.")
    args = (sample.input, *sample.args)
    try:
        expected = _first(info.op(*args, **sample.kwargs))
    except Exception as exc:  # noqa: BLE001 - a sample torch refuses says nothing
        pytest.skip(f"torch raises {type(exc).__name__}")
    m_args, m_kwargs = _to_ma(args), _to_ma(sample.kwargs)
    if name == "batch_norm":  # op_db's running stats are updated in place by torch's run
        m_args = _to_ma((sample.input, *sample.args))
    out = _first(getattr(ma.nn.functional, name)(*m_args, **m_kwargs))
    torch.testing.assert_close(torch.from_numpy(np.array(out.detach().numpy())), expected.detach())
    t_leaves, m_leaves = _leaves((args, sample.kwargs)), _leaves((m_args, m_kwargs))
    if not expected.requires_grad or not t_leaves:
        return
    gy = np.random.default_rng(0).standard_normal(tuple(expected.shape))
    t_g = torch.autograd.grad(expected, t_leaves, torch.tensor(gy), allow_unused=True)
    m_g = ma.autograd.grad(out, m_leaves, ma.tensor(gy), allow_unused=True)
    for k, (t, m) in enumerate(zip(t_g, m_g, strict=True)):
        if t is None:
            assert m is None or not np.any(m.numpy()), f"grad {k}: torch gives None"
            continue
        assert m is not None, f"grad {k}: None, torch gives a tensor"
        torch.testing.assert_close(
            torch.from_numpy(np.array(m.numpy())), t, msg=lambda s: f"grad {k}: {s}"
        )
