"""A torch program built only from the ops runs unchanged with `import mini_autograd as torch`.

The program below is plain torch. The test runs it twice, once as written and once with its two
import lines pointed at mini_autograd, and compares every value it returns (losses, outputs,
gradients, second derivatives) with torch's own assert_close tolerances for the dtype.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import mini_autograd as ma

PROGRAM = """
import torch
import torch.nn.functional as F


def run(data, dtype):
    x = torch.tensor(data["x"], dtype=dtype)
    labels = torch.tensor(data["labels"])
    w1 = torch.tensor(data["w1"], dtype=dtype, requires_grad=True)
    b1 = torch.zeros(16, dtype=dtype, requires_grad=True)
    w2 = torch.tensor(data["w2"], dtype=dtype, requires_grad=True)
    b2 = torch.zeros(3, dtype=dtype, requires_grad=True)
    gamma = torch.ones(16, dtype=dtype, requires_grad=True)
    results = {}
    for step in range(3):
        h = F.linear(x, w1, b1)
        h = F.layer_norm(h, (16,), gamma)
        h = F.gelu(h) + 0.1 * F.silu(h) - 0.01 * F.leaky_relu(-h)
        logits = h @ w2.t() + b2
        probs = torch.softmax(logits, dim=-1)
        loss = F.cross_entropy(logits, labels, label_smoothing=0.1)
        one_hot = (labels[:, None] == torch.arange(3)[None, :]).to(dtype)
        loss = loss + 0.01 * (w1 ** 2).sum() + 0.1 * F.mse_loss(probs, one_hot)
        loss = loss + 0.1 * F.binary_cross_entropy_with_logits(logits[:, 0], probs[:, 1].detach())
        loss = loss + 0.05 * torch.logsumexp(logits, 1).std() + 0.01 * logits.norm()
        loss = loss + 0.01 * torch.stack([h.amax(), h.max(), -h.min()]).abs().sum()
        chunks = torch.cat(h.chunk(2, dim=1)[::-1], dim=1)
        loss = loss + 0.01 * chunks.reshape(-1)[::3].clamp(-1, 1).pow(2).mean()
        loss.backward()
        results[f"loss{step}"] = loss.detach()
        results[f"grad{step}"] = w1.grad.clone()
        with torch.no_grad():
            for p in (w1, b1, w2, b2, gamma):
                p -= 0.1 * p.grad
                p.grad = None
    results["argmax"] = probs.argmax(dim=1)
    # a second derivative through the same ops
    z = torch.tensor(data["x"][0], dtype=dtype, requires_grad=True)
    y = (torch.tanh(z) * torch.sigmoid(z).log1p() + z.exp() / (1 + z ** 2)).sum()
    (g,) = torch.autograd.grad(y, z, create_graph=True)
    (gg,) = torch.autograd.grad(g.sum(), z)
    results["grad_z"], results["gradgrad_z"] = g.detach(), gg
    return results
"""


def _load(module: str) -> dict:
    """The program's namespace, its imports pointed at `module` (torch or mini_autograd)."""
    source = PROGRAM
    if module == "mini_autograd":
        source = source.replace(
            "import torch.nn.functional as F", "import mini_autograd.nn.functional as F"
        )
        source = source.replace("import torch\n", "import mini_autograd as torch\n")
    namespace: dict = {}
    exec(compile(source, f"<program:{module}>", "exec"), namespace)
    return namespace


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_a_torch_program_runs_unchanged(dtype):
    rng = np.random.default_rng(0)
    data = {
        "x": rng.standard_normal((8, 5)),
        "labels": rng.integers(0, 3, 8),
        "w1": rng.standard_normal((16, 5)) * 0.5,
        "w2": rng.standard_normal((3, 16)) * 0.5,
    }
    theirs, ours = _load("torch"), _load("mini_autograd")
    assert ours["torch"] is ma
    t_res = theirs["run"](data, getattr(torch, dtype))
    m_res = ours["run"](data, getattr(ma, dtype))
    assert t_res.keys() == m_res.keys()
    for key, t in t_res.items():
        m = torch.from_numpy(np.array(m_res[key]._data))
        torch.testing.assert_close(m, t, msg=lambda msg, key=key: f"{key}: {msg}")
