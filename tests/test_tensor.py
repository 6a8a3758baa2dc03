"""The tensor: creation, dtype rules, attributes, repr and in-place updates, against torch."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

import mini_autograd as ma

DTYPES = {
    "float32": (ma.float32, torch.float32),
    "float64": (ma.float64, torch.float64),
    "int64": (ma.int64, torch.int64),
    "bool": (ma.bool, torch.bool),
}


def same_name(ours: ma.dtype, theirs: torch.dtype) -> bool:
    return repr(ours).split(".")[-1] == str(theirs).split(".")[-1]


# --- dtype rules ---------------------------------------------------------------------------------

OPERAND_KINDS = (
    [("tensor", name) for name in DTYPES]
    + [("zero-d", name) for name in DTYPES]
    + [("scalar", v) for v in (2, 2.5, True)]
)


def _operand(T, kind, spec):
    if kind == "scalar":
        return spec
    dt = DTYPES[spec][0 if T is ma else 1]
    data = [1, 0] if kind == "tensor" else 1
    return T.tensor(data, dtype=dt)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        (a, b)
        for a, b in itertools.product(OPERAND_KINDS, repeat=2)
        if not (a[0] == "scalar" and b[0] == "scalar")
    ],
    ids=str,
)
@pytest.mark.parametrize("op", ["add", "mul", "truediv"])
def test_type_promotion_matches_torch(left, right, op):
    fn = {"add": lambda a, b: a + b, "mul": lambda a, b: a * b, "truediv": lambda a, b: a / b}[op]
    try:
        expected = fn(_operand(torch, *left), _operand(torch, *right)).dtype
    except RuntimeError:
        pytest.skip("torch refuses this combination")
    got = fn(_operand(ma, *left), _operand(ma, *right)).dtype
    assert same_name(got, expected), f"{left} {op} {right}: {got} vs {expected}"


def test_default_dtype_governs_python_floats():
    assert ma.tensor(1.5).dtype == ma.float32 and ma.tensor(1).dtype == ma.int64
    assert ma.tensor(True).dtype == ma.bool and ma.tensor([1, 2.5]).dtype == ma.float32
    assert ma.tensor(np.array([1.5])).dtype == ma.float64  # numpy keeps its dtype
    ma.set_default_dtype(ma.float64)
    try:
        assert ma.get_default_dtype() == ma.float64
        assert ma.tensor(1.5).dtype == ma.float64 and ma.zeros(2).dtype == ma.float64
        assert (ma.tensor([1, 2]) / 2).dtype == ma.float64
    finally:
        ma.set_default_dtype(ma.float32)
    with pytest.raises(TypeError):
        ma.set_default_dtype(ma.int64)


def test_only_floating_tensors_may_require_grad():
    with pytest.raises(RuntimeError, match="floating point"):
        ma.tensor([1, 2], requires_grad=True)
    with pytest.raises(RuntimeError, match="floating point"):
        ma.tensor([1, 2]).requires_grad_()
    assert ma.tensor([1.0]).requires_grad_().requires_grad


# --- bad data is refused with torch's exception types --------------------------------------------

BAD_DATA = ["text", {"a": 1}, {}, object(), None, [[1, 2], [3]], [1, "a"], np.array(["a"])]


@pytest.mark.parametrize("data", BAD_DATA, ids=lambda d: type(d).__name__ + repr(d)[:12])
def test_bad_data_raises_what_torch_raises(data):
    with pytest.raises(Exception) as theirs:
        torch.tensor(data)
    with pytest.raises(type(theirs.value)) as ours:
        ma.tensor(data)
    message = str(ours.value)
    assert "tensor" in message or "type" in message


def test_ragged_list_message_names_the_dimension():
    with pytest.raises(ValueError, match="expected sequence of length 2 at dim 1 \\(got 1\\)"):
        ma.tensor([[1, 2], [3]])


# --- attributes ----------------------------------------------------------------------------------


def test_attributes_mirror_torch():
    data = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    x, t = ma.tensor(data), torch.tensor(data)
    assert x.shape == t.shape and x.size() == t.size() and x.size(1) == t.size(1)
    assert x.size(-1) == 3 and x.ndim == 2 and x.dim() == 2 and x.numel() == 6 and len(x) == 2
    assert x.T.tolist() == t.T.tolist() and x.tolist() == t.tolist()
    assert x.double().dtype == ma.float64 and x.double().float().dtype == ma.float32
    assert x.to(ma.float64).dtype == ma.float64 and x.to(ma.int64).tolist() == t.long().tolist()
    assert isinstance(x.numpy(), np.ndarray) and x.numpy().dtype == np.float32
    assert ma.tensor(2.5).item() == 2.5 and isinstance(ma.tensor(3).item(), int)
    with pytest.raises(IndexError):
        x.size(2)
    with pytest.raises(RuntimeError, match="cannot be converted to Scalar"):
        x.item()
    with pytest.raises(TypeError):
        len(ma.tensor(1.0))


def test_is_leaf_requires_grad_grad_fn_detach_clone():
    x = ma.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    assert x.is_leaf and not y.is_leaf and y.requires_grad and y.grad_fn.name() == "MulBackward0"
    assert ma.tensor([1.0]).is_leaf
    d = y.detach()
    assert d.is_leaf and not d.requires_grad and d.grad_fn is None
    c = x.clone()
    assert c.requires_grad and not c.is_leaf
    c.sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]
    with pytest.raises(RuntimeError, match="leaf variables"):
        y.requires_grad = False
    with pytest.raises(RuntimeError, match="requires grad"):
        y.numpy()
    assert y.detach().numpy().tolist() == [2.0, 4.0]


def test_data_is_a_detached_view():
    x = ma.tensor([1.0, 2.0], requires_grad=True)
    d = x.data
    assert not d.requires_grad
    d.mul_(10)
    assert x.tolist() == [10.0, 20.0]
    x.data = ma.tensor([5.0])
    assert x.tolist() == [5.0] and x.requires_grad


@pytest.mark.parametrize(
    "make",
    [
        lambda T: T.tensor([1.0, 2.0], requires_grad=True),
        lambda T: T.tensor([1.5, 2.25]),
        lambda T: T.tensor(3.2974425414, dtype=T.float64),
        lambda T: T.tensor([1e-5, 1.0]),
        lambda T: T.tensor([[1, 2], [3, 4]]),
        lambda T: T.tensor([True, False]),
        lambda T: T.zeros(2, 0),
        lambda T: T.tensor([1.0, float("nan"), float("inf")]),
        lambda T: T.arange(12.0).reshape(3, 4) * 1000.5,
        lambda T: T.tensor([1.0, 2.0], requires_grad=True) * 2,
        lambda T: T.tensor(2.0, dtype=T.float64, requires_grad=True).exp(),
    ],
    ids=range(11),
)
def test_repr_matches_torch(make):
    ours = repr(make(ma)).replace("mini_autograd.", "torch.")
    assert ours == repr(make(torch))


# --- operators -----------------------------------------------------------------------------------


def test_operators_and_reflected_forms_match_torch():
    a_np, b_np = np.array([1.5, -2.0, 3.0]), np.array([0.5, 4.0, -1.0])

    def run(T):
        a = T.tensor(a_np, requires_grad=True)
        b = T.tensor(b_np, requires_grad=True)
        out = [
            a + b,
            a - b,
            a * b,
            a / b,
            a**2,
            2**a,
            a ** b.abs(),
            -a,
            abs(a),
            1 - a,
            2 / a,
            3 * a,
            1 + a,
            a @ b,
            a.abs(),
        ]
        total = sum(o.sum() for o in out)
        total.backward()
        return [o.detach().numpy() for o in out] + [a.grad.numpy(), b.grad.numpy()]

    for ours, theirs in zip(run(ma), run(torch)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)


def test_comparisons_give_bool_tensors_without_grad():
    x = ma.tensor([1.0, 2.0, 3.0], requires_grad=True)
    for result, expected in (
        (x > 2, [False, False, True]),
        (x <= 2, [True, True, False]),
        (x == 2, [False, True, False]),
        (x != 2, [True, False, True]),
    ):
        assert result.dtype == ma.bool and result.tolist() == expected
        assert not result.requires_grad and result.grad_fn is None


# --- in-place updates ----------------------------------------------------------------------------


def test_inplace_updates_on_leaves_under_no_grad_keep_them_leaves():
    x = ma.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    with ma.no_grad():
        x -= 0.5 * x.grad
        x += 1
        x *= 2
        x /= 4
    assert x.is_leaf and x.requires_grad and x.tolist() == [0.5, 0.5]
    x.grad.zero_()
    assert x.grad.tolist() == [0.0, 0.0]
    with ma.no_grad():
        x.fill_(3.0)
        x.copy_(ma.tensor([7.0, 8.0]))
    assert x.tolist() == [7.0, 8.0]


def test_inplace_on_a_leaf_that_requires_grad_outside_no_grad_raises():
    x = ma.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        x -= 1


# --- creation functions --------------------------------------------------------------------------

CREATIONS = [
    lambda T: T.zeros(2, 3),
    lambda T: T.ones((2, 3), dtype=T.float64),
    lambda T: T.zeros([4]),
    lambda T: T.full((2, 2), 7),
    lambda T: T.full((2,), 1.5),
    lambda T: T.full((2,), True),
    lambda T: T.arange(5),
    lambda T: T.arange(1, 4, 0.5),
    lambda T: T.arange(0.0, 1.0, 0.1),
    lambda T: T.linspace(0, 1, 5),
    lambda T: T.eye(3),
    lambda T: T.eye(2, 3),
    lambda T: T.zeros_like(T.ones(2, dtype=T.int64)),
    lambda T: T.ones_like(T.zeros(3)),
    lambda T: T.full_like(T.zeros(2), 4.0),
    lambda T: T.from_numpy(np.arange(3.0)),
    lambda T: T.tensor([]),
    lambda T: T.empty(0, 3),
]


@pytest.mark.parametrize("make", CREATIONS, ids=range(len(CREATIONS)))
def test_creation_functions_match_torch(make):
    ours, theirs = make(ma), make(torch)
    assert same_name(ours.dtype, theirs.dtype)
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)


def test_random_creation_is_seeded_and_shaped():
    ma.manual_seed(0)
    a = ma.rand(3, 2)
    ma.manual_seed(0)
    b = ma.rand(3, 2)
    assert a.tolist() == b.tolist() and a.dtype == ma.float32 and a.shape == (3, 2)
    assert ((a.numpy() >= 0) & (a.numpy() < 1)).all()
    n = ma.randn(1000, dtype=ma.float64)
    assert n.dtype == ma.float64 and abs(n.numpy().mean()) < 0.2 and 0.8 < n.numpy().std() < 1.2
    assert ma.randn(2, requires_grad=True).requires_grad


def test_from_numpy_shares_memory():
    arr = np.zeros(3)
    t = ma.from_numpy(arr)
    arr[0] = 5
    assert t.tolist() == [5.0, 0.0, 0.0] and t.dtype == ma.float64
