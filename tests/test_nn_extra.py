"""ParameterList/ParameterDict, LazyLinear and parameters_to_vector against torch."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import mini_autograd as mt


def _model(T):
    class M(T.nn.Module):
        def __init__(self):
            super().__init__()
            self.pl = T.nn.ParameterList([T.ones(2), T.nn.Parameter(T.zeros(3))])
            self.pl.append(T.full((2, 2), 3.0))
            self.pd = T.nn.ParameterDict({"b": T.ones(1), "a": T.zeros(2)})
            self.pd["c"] = T.nn.Parameter(T.ones(3), requires_grad=False)

    return M()


def test_parameter_containers_register_like_torch():
    ours, ref = _model(mt), _model(torch)
    assert [(n, tuple(p.shape), p.requires_grad) for n, p in ours.named_parameters()] == [
        (n, tuple(p.shape), p.requires_grad) for n, p in ref.named_parameters()
    ]
    assert list(ours.state_dict()) == list(ref.state_dict())
    assert type(ours.pl[0]) is mt.nn.Parameter and len(ours.pl) == 3 and ours.pl[-1].shape == (2, 2)
    assert list(ours.pd.keys()) == ["a", "b", "c"] and "a" in ours.pd
    assert ours.pd.pop("a").shape == (2,) and list(ours.pd) == ["b", "c"]
    assert [n for n, _ in ours.named_parameters()] == ["pl.0", "pl.1", "pl.2", "pd.b", "pd.c"]
    ours.load_state_dict({k: v.numpy() for k, v in ref.state_dict().items() if k != "pd.a"})


def test_lazy_linear_infers_in_features():
    lazy = mt.nn.LazyLinear(3)
    assert lazy.in_features == 0 and lazy.weight.numel() == 0
    opt = mt.optim.SGD(lazy.parameters(), lr=0.1)
    y = lazy(mt.ones(4, 5))
    assert type(lazy) is mt.nn.Linear and lazy.weight.shape == (3, 5) and y.shape == (4, 3)
    assert float(abs(lazy.weight).max()) <= 5**-0.5 and float(lazy.weight.std()) > 0.05
    y.sum().backward()
    before = lazy.weight.detach().numpy().copy()
    opt.step()  # the optimizer made before the first call updates the materialised weight
    np.testing.assert_allclose(lazy.weight.detach().numpy(), before - 0.1 * 4)
    assert repr(mt.nn.LazyLinear(3)) == repr(torch.nn.LazyLinear(3))
    assert repr(lazy) == "Linear(in_features=5, out_features=3, bias=True)"


def test_parameters_to_vector_and_back():
    ref = torch.nn.Linear(3, 2).double()
    ours = mt.nn.Linear(3, 2, dtype=mt.float64)
    ours.load_state_dict({k: v.numpy() for k, v in ref.state_dict().items()})
    vec = mt.nn.utils.parameters_to_vector(ours.parameters())
    tvec = torch.nn.utils.parameters_to_vector(ref.parameters())
    np.testing.assert_array_equal(vec.detach().numpy(), tvec.detach().numpy())
    (vec * mt.arange(8.0, dtype=mt.float64)).sum().backward()
    assert ours.bias.grad.tolist() == [6.0, 7.0]  # the vector stays in the graph, as torch's
    new = np.arange(8.0)
    mt.nn.utils.vector_to_parameters(mt.tensor(new), ours.parameters())
    torch.nn.utils.vector_to_parameters(torch.tensor(new), ref.parameters())
    for p, tp in zip(ours.parameters(), ref.parameters(), strict=True):
        np.testing.assert_array_equal(p.detach().numpy(), tp.detach().numpy())
    with pytest.raises(TypeError):
        mt.nn.utils.parameters_to_vector(mt.ones(2))


def test_clip_grad_value_matches_torch():
    g = np.array([-3.0, 0.5, 2.0])
    p, tp = mt.nn.Parameter(mt.zeros(3)), torch.nn.Parameter(torch.zeros(3))
    p.grad, tp.grad = mt.tensor(g, dtype=mt.float32), torch.tensor(g, dtype=torch.float32)
    mt.nn.utils.clip_grad_value_([p], 1.0)
    torch.nn.utils.clip_grad_value_([tp], 1.0)
    assert p.grad.tolist() == tp.grad.tolist()
