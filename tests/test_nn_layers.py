"""Every layer and loss module against torch: same weights (load_state_dict), same inputs;
the output and the gradients of the input and of every parameter are compared, in float64."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import mini_autograd as mt

RTOL, ATOL = 1e-10, 1e-12


def _run(T, module, inputs, upstream):
    """Forward, backward with `upstream`; the output, the float inputs' and params' grads."""
    tensors = [T.tensor(a, requires_grad=a.dtype.kind == "f") for a in inputs]
    out = module(*tensors)
    out.backward(T.tensor(upstream))
    grads = {f"input {i}": t.grad.numpy() for i, t in enumerate(tensors) if t.requires_grad}
    grads.update({n: p.grad.numpy() for n, p in module.named_parameters() if p.grad is not None})
    return out.detach().numpy(), grads


def check_module(make, *inputs: np.ndarray, train: bool = True) -> None:
    """Build with make(T) in both frameworks, copy torch's weights, compare everything."""
    theirs = make(torch).double().train(train)
    ours = make(mt).double().train(train)
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    expected = theirs(*[torch.tensor(a) for a in inputs])
    upstream = np.random.default_rng(1).standard_normal(tuple(expected.shape))
    out_t, grads_t = _run(torch, theirs, inputs, upstream)
    out_m, grads_m = _run(mt, ours, inputs, upstream)
    np.testing.assert_allclose(out_m, out_t, rtol=RTOL, atol=ATOL, err_msg="output")
    assert grads_m.keys() == grads_t.keys()
    for name, g in grads_t.items():
        np.testing.assert_allclose(grads_m[name], g, rtol=RTOL, atol=ATOL, err_msg=name)


def x(*shape: int, seed: int = 0, low: float = -2.0, high: float = 2.0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(low, high, shape)


def labels(n: int, classes: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, classes, n)


LAYERS = {
    "Linear": (lambda T: T.nn.Linear(4, 3), [x(5, 4)]),
    "Linear bias=False": (lambda T: T.nn.Linear(4, 3, bias=False), [x(5, 4)]),
    "Linear batched 3-d": (lambda T: T.nn.Linear(4, 3), [x(2, 5, 4)]),
    "ReLU": (lambda T: T.nn.ReLU(), [x(3, 4)]),
    "Tanh": (lambda T: T.nn.Tanh(), [x(3, 4)]),
    "Sigmoid": (lambda T: T.nn.Sigmoid(), [x(3, 4)]),
    "GELU": (lambda T: T.nn.GELU(), [x(3, 4)]),
    "GELU tanh": (lambda T: T.nn.GELU(approximate="tanh"), [x(3, 4)]),
    "LeakyReLU": (lambda T: T.nn.LeakyReLU(0.2), [x(3, 4)]),
    "Softmax": (lambda T: T.nn.Softmax(dim=1), [x(3, 4)]),
    "LogSoftmax": (lambda T: T.nn.LogSoftmax(dim=-1), [x(3, 4)]),
    "Flatten": (lambda T: T.nn.Flatten(), [x(2, 3, 4)]),
    "Flatten(0, 1)": (lambda T: T.nn.Flatten(0, 1), [x(2, 3, 4)]),
    "Identity": (lambda T: T.nn.Identity(54), [x(3, 4)]),
    "LayerNorm": (lambda T: T.nn.LayerNorm(4), [x(3, 4)]),
    "LayerNorm 2-d shape": (lambda T: T.nn.LayerNorm((3, 4), eps=1e-3), [x(2, 3, 4)]),
    "LayerNorm no affine": (lambda T: T.nn.LayerNorm(4, elementwise_affine=False), [x(3, 4)]),
    "Dropout p=0": (lambda T: T.nn.Dropout(0.0), [x(3, 4)]),
    "MLP": (
        lambda T: T.nn.Sequential(
            T.nn.Linear(4, 8), T.nn.GELU(), T.nn.LayerNorm(8), T.nn.Linear(8, 2)
        ),
        [x(6, 4)],
    ),
}


@pytest.mark.parametrize("name", list(LAYERS))
def test_layer_matches_torch(name):
    make, inputs = LAYERS[name]
    check_module(make, *inputs)


def test_dropout_is_the_identity_in_eval_mode():
    check_module(lambda T: T.nn.Dropout(0.5), x(3, 4), train=False)


def test_dropout_in_training_zeroes_and_rescales():
    mt.manual_seed(0)
    layer = mt.nn.Dropout(0.25)
    inp = mt.tensor(np.ones((200, 100)), requires_grad=True)
    out = layer(inp)
    out.sum().backward()
    values = out.detach().numpy()
    kept = values != 0
    assert abs(1 - kept.mean() - 0.25) < 0.01
    np.testing.assert_allclose(values[kept], 1 / 0.75)
    np.testing.assert_allclose(inp.grad.numpy(), values)  # d out / d in = mask / (1 - p)


def test_embedding_matches_torch():
    idx = np.array([[0, 2, 1], [4, 1, 1]])
    for padding_idx in (None, 1):
        theirs = torch.nn.Embedding(5, 3, padding_idx=padding_idx).double()
        ours = mt.nn.Embedding(5, 3, padding_idx=padding_idx).double()
        ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
        up = np.random.default_rng(0).standard_normal((2, 3, 3))
        out_t, out_m = theirs(torch.tensor(idx)), ours(mt.tensor(idx))
        out_t.backward(torch.tensor(up))
        out_m.backward(mt.tensor(up))
        np.testing.assert_allclose(out_m.detach().numpy(), out_t.detach().numpy())
        np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy())


LOSSES = {
    "MSELoss": (lambda T: T.nn.MSELoss(), [x(4, 3), x(4, 3, seed=1)]),
    "MSELoss sum": (lambda T: T.nn.MSELoss(reduction="sum"), [x(4, 3), x(4, 3, seed=1)]),
    "MSELoss none": (lambda T: T.nn.MSELoss(reduction="none"), [x(4, 3), x(4, 3, seed=1)]),
    "L1Loss": (lambda T: T.nn.L1Loss(), [x(4, 3), x(4, 3, seed=1)]),
    "L1Loss none": (lambda T: T.nn.L1Loss(reduction="none"), [x(4, 3), x(4, 3, seed=1)]),
    "CrossEntropyLoss": (lambda T: T.nn.CrossEntropyLoss(), [x(5, 3), labels(5, 3)]),
    "CrossEntropyLoss sum": (
        lambda T: T.nn.CrossEntropyLoss(reduction="sum"),
        [x(5, 3), labels(5, 3)],
    ),
    "CrossEntropyLoss none": (
        lambda T: T.nn.CrossEntropyLoss(reduction="none"),
        [x(5, 3), labels(5, 3)],
    ),
    "CrossEntropyLoss weight": (
        lambda T: T.nn.CrossEntropyLoss(weight=T.tensor([0.2, 1.0, 3.0], dtype=T.float64)),
        [x(5, 3), labels(5, 3)],
    ),
    "CrossEntropyLoss ignore_index": (
        lambda T: T.nn.CrossEntropyLoss(ignore_index=1),
        [x(6, 3), labels(6, 3)],
    ),
    "CrossEntropyLoss label_smoothing": (
        lambda T: T.nn.CrossEntropyLoss(label_smoothing=0.1),
        [x(5, 3), labels(5, 3)],
    ),
    "CrossEntropyLoss probabilities": (
        lambda T: T.nn.CrossEntropyLoss(),
        [x(5, 3), x(5, 3, seed=2, low=0, high=1)],
    ),
    "NLLLoss": (lambda T: T.nn.NLLLoss(), [x(5, 3, low=-3, high=-0.1), labels(5, 3)]),
    "NLLLoss weight": (
        lambda T: T.nn.NLLLoss(weight=T.tensor([0.2, 1.0, 3.0], dtype=T.float64)),
        [x(5, 3, low=-3, high=-0.1), labels(5, 3)],
    ),
    "BCELoss": (
        lambda T: T.nn.BCELoss(),
        [x(4, 2, low=0.05, high=0.95), x(4, 2, seed=1, low=0, high=1)],
    ),
    "BCELoss weight": (
        lambda T: T.nn.BCELoss(weight=T.tensor([0.5, 2.0], dtype=T.float64)),
        [x(4, 2, low=0.05, high=0.95), x(4, 2, seed=1, low=0, high=1)],
    ),
    "BCEWithLogitsLoss": (
        lambda T: T.nn.BCEWithLogitsLoss(),
        [x(4, 2), x(4, 2, seed=1, low=0, high=1)],
    ),
    "BCEWithLogitsLoss pos_weight": (
        lambda T: T.nn.BCEWithLogitsLoss(pos_weight=T.tensor([3.0, 0.5], dtype=T.float64)),
        [x(4, 2), x(4, 2, seed=1, low=0, high=1)],
    ),
}


@pytest.mark.parametrize("name", list(LOSSES))
def test_loss_matches_torch(name):
    make, inputs = LOSSES[name]
    check_module(make, *inputs)


def test_layer_norm_shape_error_matches_torch():
    with pytest.raises(RuntimeError) as theirs:
        torch.nn.LayerNorm((2, 4))(torch.ones(3, 5))
    with pytest.raises(RuntimeError) as ours:
        mt.nn.LayerNorm((2, 4))(mt.ones(3, 5))
    assert str(ours.value) == str(theirs.value)
