"""The nn module classes of the new activations, distances and losses against torch's: the same
constructor arguments, the same outputs and input gradients, the same repr."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import mini_autograd as ma


def _x(rng, *shape):
    return rng.standard_normal(shape)


def _signs(rng, *shape):
    return np.where(rng.random(shape) < 0.5, -1.0, 1.0)


# (module name, constructor args, kwargs, input makers: (rng) -> array, which require grad)
MODULES = [
    ("Hardtanh", (-0.5, 0.7), {}, [lambda r: _x(r, 3, 4)], [0]),
    ("ReLU6", (), {}, [lambda r: 4 * _x(r, 3, 4)], [0]),
    ("Hardswish", (), {}, [lambda r: 3 * _x(r, 3, 4)], [0]),
    ("Hardsigmoid", (), {}, [lambda r: 3 * _x(r, 3, 4)], [0]),
    ("Mish", (), {}, [lambda r: _x(r, 3, 4)], [0]),
    ("SELU", (), {}, [lambda r: _x(r, 3, 4)], [0]),
    ("CELU", (0.5,), {}, [lambda r: _x(r, 3, 4)], [0]),
    ("PReLU", (3,), {"init": 0.1}, [lambda r: _x(r, 2, 3, 4)], [0]),
    ("RReLU", (0.1, 0.3), {}, [lambda r: _x(r, 3, 4)], [0]),
    ("GLU", (1,), {}, [lambda r: _x(r, 3, 4)], [0]),
    ("LogSigmoid", (), {}, [lambda r: _x(r, 3, 4)], [0]),
    ("Softmin", (1,), {}, [lambda r: _x(r, 3, 4)], [0]),
    ("Softsign", (), {}, [lambda r: _x(r, 3, 4)], [0]),
    ("Tanhshrink", (), {}, [lambda r: _x(r, 3, 4)], [0]),
    ("Hardshrink", (0.3,), {}, [lambda r: _x(r, 3, 4)], [0]),
    ("Softshrink", (0.3,), {}, [lambda r: _x(r, 3, 4)], [0]),
    ("Threshold", (0.1, 2.0), {}, [lambda r: _x(r, 3, 4)], [0]),
    ("CosineSimilarity", (), {"dim": 0}, [lambda r: _x(r, 3, 4), lambda r: _x(r, 3, 4)], [0, 1]),
    ("PairwiseDistance", (), {"p": 1.0}, [lambda r: _x(r, 3, 4), lambda r: _x(r, 3, 4)], [0, 1]),
    ("KLDivLoss", (), {"reduction": "batchmean", "log_target": True},
     [lambda r: _x(r, 3, 4), lambda r: _x(r, 3, 4)], [0, 1]),
    ("PoissonNLLLoss", (), {"full": True}, [lambda r: _x(r, 3, 4), lambda r: 3 * r.random((3, 4))],
     [0]),
    ("GaussianNLLLoss", (), {"full": True, "reduction": "sum"},
     [lambda r: _x(r, 3, 4), lambda r: _x(r, 3, 4), lambda r: r.random((3, 4)) + 0.5], [0, 2]),
    ("MarginRankingLoss", (0.2,), {}, [lambda r: _x(r, 5), lambda r: _x(r, 5),
     lambda r: _signs(r, 5)], [0, 1]),
    ("HingeEmbeddingLoss", (0.5,), {}, [lambda r: _x(r, 3, 4), lambda r: _signs(r, 3, 4)], [0]),
    ("CosineEmbeddingLoss", (0.1,), {"reduction": "none"},
     [lambda r: _x(r, 3, 4), lambda r: _x(r, 3, 4), lambda r: _signs(r, 3)], [0, 1]),
    ("SoftMarginLoss", (), {}, [lambda r: _x(r, 3, 4), lambda r: _signs(r, 3, 4)], [0]),
    ("MultiLabelSoftMarginLoss", (), {}, [lambda r: _x(r, 3, 4), lambda r: r.random((3, 4))], [0]),
    ("TripletMarginLoss", (), {"margin": 0.5, "swap": True},
     [lambda r: _x(r, 3, 4), lambda r: _x(r, 3, 4), lambda r: _x(r, 3, 4)], [0, 1, 2]),
]  # fmt: skip


@pytest.mark.parametrize("name,args,kwargs,makers,diff", MODULES, ids=[m[0] for m in MODULES])
def test_module_matches_torch(name, args, kwargs, makers, diff):
    rng = np.random.default_rng(0)
    arrays = [m(rng) for m in makers]
    t_mod = getattr(torch.nn, name)(*args, **kwargs).double().eval()
    m_mod = getattr(ma.nn, name)(*args, **kwargs).double()
    m_mod.load_state_dict({k: ma.tensor(v.numpy()) for k, v in t_mod.state_dict().items()})
    m_mod.eval()
    assert repr(m_mod) == repr(t_mod)
    t_in = [torch.tensor(a, requires_grad=i in diff) for i, a in enumerate(arrays)]
    m_in = [ma.tensor(a, requires_grad=i in diff) for i, a in enumerate(arrays)]
    t_out, m_out = t_mod(*t_in), m_mod(*m_in)
    torch.testing.assert_close(torch.tensor(m_out.detach().numpy()), t_out.detach())
    gy = rng.standard_normal(tuple(t_out.shape))
    t_out.backward(torch.tensor(gy))
    m_out.backward(ma.tensor(gy))
    for i in diff:
        torch.testing.assert_close(torch.tensor(m_in[i].grad.numpy()), t_in[i].grad)
    for (k, p), (_, q) in zip(m_mod.named_parameters(), t_mod.named_parameters()):
        torch.testing.assert_close(torch.tensor(p.grad.numpy()), q.grad, msg=k)


def test_prelu_starts_at_init_and_learns_one_slope_per_channel():
    m = ma.nn.PReLU(3, init=0.1)
    assert m.weight.tolist() == pytest.approx([0.1, 0.1, 0.1])
    assert [k for k, _ in m.named_parameters()] == ["weight"]


def test_rrelu_draws_slopes_in_training():
    ma.manual_seed(0)
    x = -ma.ones(1000, dtype=ma.float64)
    y = ma.nn.RReLU(0.1, 0.3)(x).numpy()
    assert (y <= -0.1).all() and (y >= -0.3).all() and y.std() > 0.03


def test_triplet_margin_loss_refuses_a_non_positive_margin():
    with pytest.raises(ValueError, match="margin to be greater than 0"):
        torch.nn.TripletMarginLoss(margin=0)
    with pytest.raises(ValueError, match="margin to be greater than 0"):
        ma.nn.TripletMarginLoss(margin=0)
