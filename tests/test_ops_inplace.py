"""torch's in-place variants (`x.exp_()`, `x.index_add_(...)`, `x.t_()`, `F.relu_`, `inplace=True`)
against torch: values written into self, on a plain tensor, on a leaf under no_grad, on a non-leaf
of the graph (gradients and second derivatives through the write), and the leaf error.

The table covers every `Tensor` method torch spells with a trailing `_` whose out-of-place op we
offer (asked of torch, not listed by hand: `test_every_inplace_variant_is_covered`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest
import torch

import mini_autograd as ma
import mini_autograd.nn.functional as MF

LIBS = (torch, ma)
rng = np.random.default_rng(13)
X = rng.uniform(0.2, 0.9, (3, 4))  # inside every domain below: log, sqrt, asin, atanh, ...
Y = rng.uniform(0.2, 0.9, (3, 4))
Z = rng.uniform(0.2, 0.9, (3, 4))
XS = X - 0.55  # both signs, for relu, abs, sign
INTS = np.array([[5, -7, 3, 0], [2, 9, -4, 6], [1, 1, -8, 3]])
MASK = np.array(
    [[True, False, True, False], [False, False, True, True], [True, True, False, False]]
)
IDX = np.array([2, 0, 2])  # index_add_ along dim 1 (a repeat: contributions add up)
IDX_UNIQUE = np.array([3, 0, 1])
SCATTER_IDX = np.array([[0, 1, 0, 2], [3, 3, 1, 0], [2, 0, 2, 1]])
EQUAL = np.where(MASK, X, Y)  # ties with X where MASK, for the comparisons


@dataclass
class Case:
    """One in-place call: `x.<name>(*args, **kwargs)` on self = x; float arrays in args become
    tensors (requiring grad in the graph test when `grad`), int and bool arrays index tensors."""

    name: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    x: np.ndarray = field(default_factory=lambda: X)
    grad: bool = True
    id: str = ""

    def __str__(self) -> str:
        return self.id or self.name


def _unary(*names: str, x: np.ndarray = X, grad: bool = True) -> list[Case]:
    return [Case(n, x=x, grad=grad) for n in names]


INPLACE_CASES = [
    *_unary(
        "exp_",
        "log_",
        "log1p_",
        "log2_",
        "log10_",
        "expm1_",
        "sqrt_",
        "rsqrt_",
        "tanh_",
        "sigmoid_",
        "neg_",
        "negative_",
        "sin_",
        "cos_",
        "tan_",
        "erf_",
        "reciprocal_",
        "square_",
        "sinh_",
        "cosh_",
        "asin_",
        "acos_",
        "atan_",
        "asinh_",
        "atanh_",
        "arcsin_",
        "arccos_",
        "arctan_",
        "arcsinh_",
        "arctanh_",
        "exp2_",
        "deg2rad_",
        "rad2deg_",
        "sinc_",
        "nan_to_num_",
    ),  # fmt: skip
    *_unary("acosh_", "arccosh_", x=X + 1.0),
    *_unary("relu_", "abs_", "absolute_", "sign_", x=XS),
    *_unary("floor_", "ceil_", "round_", "trunc_", "frac_", "fix_", x=XS * 7),
    *_unary("logical_not_", x=MASK * X, grad=False),
    *_unary("bitwise_not_", x=INTS, grad=False),
    Case("round_", kwargs={"decimals": 1}, x=XS * 7, id="round_-decimals"),
    Case("pow_", (2.0,), id="pow_-scalar"),
    Case("pow_", (Y,), id="pow_-tensor"),
    Case("float_power_", (Y,)),
    Case("add_", (Y,), {"alpha": 2.0}),
    Case("sub_", (Y,)),
    Case("subtract_", (Y,), {"alpha": 0.5}),
    Case("mul_", (Y,)),
    Case("multiply_", (Y,)),
    Case("div_", (Y,)),
    Case("div_", (Y * 0.1,), {"rounding_mode": "floor"}, x=XS, id="div_-floor"),
    Case("div_", (Y * 0.1,), {"rounding_mode": "trunc"}, x=XS, id="div_-trunc"),
    Case("div_", (3,), {"rounding_mode": "floor"}, x=INTS, grad=False, id="div_-int-floor"),
    Case("divide_", (Y,)),
    Case("true_divide_", (Y,)),
    Case("remainder_", (Y * 0.3,), x=XS),
    Case("fmod_", (Y * 0.3,), x=XS),
    Case("floor_divide_", (3,), x=INTS, grad=False),
    Case("atan2_", (Y - 0.5,), x=XS),
    Case("arctan2_", (Y - 0.5,), x=XS),
    Case("hypot_", (Y,)),
    Case("copysign_", (Y - 0.5,)),
    Case("xlogy_", (Y,)),
    Case("nextafter_", (Y,), grad=False),
    Case("clamp_", (0.4, 0.7)),
    Case("clamp_", (), {"min": Y - 0.1, "max": Y + 0.1}, id="clamp_-tensors"),
    Case("clip_", (0.4, 0.7)),
    Case("clamp_min_", (0.5,)),
    Case("clamp_max_", (0.5,)),
    Case("lerp_", (Y, 0.3), id="lerp_-scalar"),
    Case("lerp_", (Y, Z), id="lerp_-tensor"),
    Case("addcmul_", (Y, Z), {"value": 2.0}),
    Case("addcdiv_", (Y, Z + 0.5), {"value": 0.5}),
    Case("masked_fill_", (MASK, -1.0)),
    Case("masked_scatter_", (MASK, rng.uniform(-1, 1, (3, 4)))),
    Case("index_add_", (1, IDX, rng.uniform(-1, 1, (3, 3))), {"alpha": 2.0}),
    Case("index_copy_", (1, IDX_UNIQUE, rng.uniform(-1, 1, (3, 3)))),
    Case("index_fill_", (1, IDX, -1.0)),
    Case("index_put_", ((np.array([0, 2]), np.array([1, 3])), np.array([5.0, 6.0]))),
    Case(
        "index_put_",
        ((np.array([0, 0]), np.array([1, 1])), np.array([5.0, 6.0])),
        {"accumulate": True},
        id="index_put_-accumulate",
    ),
    Case("scatter_", (1, SCATTER_IDX[:, :2], Y[:, :2]), id="scatter_-src"),
    Case("scatter_", (1, SCATTER_IDX[:, :2], -2.0), id="scatter_-value"),
    Case("scatter_", (1, SCATTER_IDX, Y), {"reduce": "add"}, grad=False, id="scatter_-add"),
    Case("scatter_add_", (1, SCATTER_IDX, Y)),
    *(
        Case("scatter_reduce_", (1, SCATTER_IDX, Y, r), {"include_self": s}, id=f"sr-{r}-{s}")
        for r in ("sum", "prod", "mean", "amax", "amin")
        for s in (True, False)
    ),
    Case("cumsum_", (1,)),
    Case("cumprod_", (0,)),
    Case("tril_", ()),
    Case("triu_", (1,)),
    Case("addmm_", (Y[:, :2], Z[:2, :]), {"beta": 0.5, "alpha": 2.0}),
    Case("addmv_", (Y, Z[0]), x=X[0, :3]),
    Case("addbmm_", (Y.reshape(2, 3, 2), Z.reshape(2, 2, 3)), x=X[:, :3]),
    Case("baddbmm_", (Y.reshape(2, 3, 2), Z.reshape(2, 2, 3)), x=rng.uniform(0, 1, (2, 3, 3))),
    *(Case(n + "_", (EQUAL,), id=n + "_") for n in ("eq", "ne", "lt", "le", "gt", "ge")),
    *(
        Case(n + "_", (0.5,), id=n + "_")
        for n in ("greater", "greater_equal", "less", "less_equal", "not_equal")
    ),
    *(Case(f"logical_{n}_", (MASK,), x=MASK * X, grad=False) for n in ("and", "or", "xor")),
    *(
        Case(f"bitwise_{n}_", (INTS[::-1].copy(),), x=INTS, grad=False)
        for n in ("and", "or", "xor")
    ),
    *(
        Case(f"bitwise_{n}_shift_", (np.abs(INTS[::-1]) % 5,), x=INTS, grad=False)
        for n in ("left", "right")
    ),
    Case("fill_diagonal_", (5.0,)),
    Case("fill_diagonal_", (5.0,), {"wrap": True}, x=rng.uniform(0, 1, (7, 3)), id="fd-wrap"),
    Case("fill_diagonal_", (5.0,), x=rng.uniform(0, 1, (3, 3, 3)), id="fd-3d"),
    Case("fill_", (2.5,)),
    Case("bernoulli_", (1.0,), grad=False),  # p = 1 (and 0): the draws are certain
    Case("bernoulli_", (0.0,), grad=False, id="bernoulli_-zero"),
    Case("zero_", ()),
    Case("copy_", (Y[0],)),
    Case("t_", ()),
    Case("t_", (), x=X[0], id="t_-1d"),
    Case("transpose_", (0, 1)),
    Case("as_strided_", ((2, 2), (1, 2), 1)),
    Case("swapaxes_", (1, 0)),
    Case("swapdims_", (0, -1)),
    Case("squeeze_", (), x=X.reshape(1, 3, 1, 4)),
    Case("squeeze_", (0,), x=X.reshape(1, 3, 1, 4), id="squeeze_-dim"),
    Case("squeeze_", ((0, 2),), x=X.reshape(1, 3, 1, 4), id="squeeze_-dims"),
    Case("unsqueeze_", (1,)),
]

#: torch's in-place methods that are not ops written into self
NOT_OPS = {"requires_grad_", "detach_"}


def _arg(T: Any, v: Any, grad: bool) -> Any:
    if isinstance(v, tuple):
        return tuple(_arg(T, a, grad) for a in v)
    if not isinstance(v, np.ndarray):
        return v
    t = T.tensor(v)
    if grad and v.dtype.kind == "f":
        t.requires_grad_()
    return t


def _call(T: Any, x: Any, case: Case, grad: bool = False) -> tuple[Any, list[Any]]:
    args = _arg(T, case.args, grad)
    kwargs = {k: _arg(T, v, grad) for k, v in case.kwargs.items()}
    out = getattr(x, case.name)(*args, **kwargs)
    flat = [a for a in (*args, *kwargs.values()) if isinstance(a, T.Tensor)]
    flat += [b for a in args if isinstance(a, tuple) for b in a if isinstance(b, T.Tensor)]
    return out, [a for a in flat if a.requires_grad]


def _np(t: Any) -> np.ndarray:
    if isinstance(t, torch.Tensor):
        return t.detach().numpy(force=True)  # torch's ZeroTensor gradients too
    return t.detach().numpy()


def _same(got: Any, want: Any, what: str, rtol: float = 1e-10) -> None:
    assert (got is None) == (want is None), f"{what}: {got} vs torch's {want}"
    if want is None:
        return
    assert str(got.dtype).split(".")[-1] == str(want.dtype).split(".")[-1], what
    assert tuple(got.shape) == tuple(want.shape), what
    np.testing.assert_allclose(_np(got), _np(want), rtol=rtol, atol=1e-12, err_msg=what)


@pytest.mark.parametrize("case", INPLACE_CASES, ids=str)
def test_writes_into_self_as_torch(case: Case) -> None:
    """A tensor outside the graph: the result is written into self, which is returned."""
    got = []
    for T in LIBS:
        x = T.tensor(case.x)
        before = x._version
        out, _ = _call(T, x, case)
        assert out is x, case
        assert x._version > before, f"{case}: the version counter did not move"
        got.append(x)
    _same(got[1], got[0], str(case))


@pytest.mark.parametrize("case", [c for c in INPLACE_CASES if c.grad], ids=str)
def test_leaf_under_no_grad_and_the_leaf_error(case: Case) -> None:
    """A leaf that requires grad: written under no_grad; with grad mode on, torch's error."""
    got = []
    for T in LIBS:
        x = T.tensor(case.x, requires_grad=True)
        with T.no_grad():
            _call(T, x, case)
        assert x.requires_grad and x.grad_fn is None
        got.append(x)
        with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
            _call(T, T.tensor(case.x, requires_grad=True), case)
    _same(got[1], got[0], str(case))


#: torch raises "the derivative for 'inplace version of asinh' is not implemented" for these: the
#: reference is then torch's out-of-place op (same formula, same node name)
TORCH_LACKS_INPLACE_GRAD = {"asinh_", "arcsinh_", "atanh_", "arctanh_", "acosh_", "arccosh_"}


def _through_graph(T: Any, case: Case, order: int) -> list[Any]:
    """y = x * 1 written in place, then the gradients (order 2: of sum(grad * w2))."""
    x = T.tensor(case.x, requires_grad=True)
    y = x * 1.0
    if T is torch and case.name in TORCH_LACKS_INPLACE_GRAD:
        y, others = getattr(y, case.name[:-1])(), []
    else:
        out, others = _call(T, y, case, grad=True)
        assert out is y
    w = T.tensor(np.random.default_rng(1).uniform(-1, 1, tuple(y.shape)))
    inputs = [x, *others]
    loss = (y * w).sum()
    grads = T.autograd.grad(loss, inputs, create_graph=order == 2, allow_unused=True)
    if order == 2:
        live = [(g, i) for g, i in zip(grads, inputs, strict=True) if g is not None]
        live = [(g, i) for g, i in live if g.requires_grad]
        if not live:
            return [y.detach(), None, *[None] * len(inputs)]
        w2 = [T.tensor(np.random.default_rng(2).uniform(-1, 1, tuple(g.shape))) for g, _ in live]
        total = sum((g * v).sum() for (g, _), v in zip(live, w2, strict=True))
        grads = T.autograd.grad(total, inputs, allow_unused=True)
    return [y.detach(), y.grad_fn.name() if order == 1 else None, *grads]


@pytest.mark.parametrize("case", [c for c in INPLACE_CASES if c.grad], ids=str)
def test_gradient_through_the_write_as_torch(case: Case) -> None:
    """A non-leaf of the graph: the same value, node name and gradients as torch."""
    want, got = _through_graph(torch, case, 1), _through_graph(ma, case, 1)
    _same(got[0], want[0], f"{case}: value")
    assert got[1] == want[1], f"{case}: grad_fn {got[1]} vs torch's {want[1]}"
    for i, (g, w) in enumerate(zip(got[2:], want[2:], strict=True)):
        _same(g, w, f"{case}: gradient of input {i}")


# node names that differ from torch's (the gradients agree): torch writes these through a view
# (CopySlices) or with an internal op of its own
_SECOND_ORDER = [c for c in INPLACE_CASES if c.grad and not c.name.startswith(("scatter_reduce_",))]


@pytest.mark.parametrize("case", _SECOND_ORDER, ids=str)
def test_second_order_through_the_write_as_torch(case: Case) -> None:
    """create_graph=True through the write: second derivatives as torch's."""
    want, got = _through_graph(torch, case, 2), _through_graph(ma, case, 2)
    for i, (g, w) in enumerate(zip(got[2:], want[2:], strict=True)):
        if w is not None and g is None:
            w_zero = np.abs(_np(w)).max(initial=0) < 1e-12  # torch's rounding noise
            assert w_zero, f"{case}: second-order gradient of input {i} missing"
            continue
        if g is not None and w is None:
            assert not np.any(_np(g)), f"{case}: second-order gradient of input {i}"
            continue
        _same(g, w, f"{case}: second-order gradient of input {i}")


def test_every_inplace_variant_is_covered() -> None:
    """Every torch.Tensor method `X_` whose op X we offer exists here and has a case above."""
    offered = {
        n
        for n in dir(torch.Tensor)
        if n.endswith("_") and not n.startswith("_") and hasattr(ma.Tensor, n[:-1])
    }
    assert not {n for n in offered if not hasattr(ma.Tensor, n)}
    assert offered - NOT_OPS - {c.name for c in INPLACE_CASES} == set()


def test_in_place_view_then_another_write() -> None:
    """x.t_() makes x own the transposed view: a later in-place op on it is no slice write."""
    grads = []
    for T in LIBS:
        a = T.tensor(X, requires_grad=True)
        y = a * 1.0
        y.t_().unsqueeze_(0).mul_(T.tensor(Y.T))
        y.squeeze_(0)
        (y * T.tensor(Z.T)).sum().backward()
        grads.append((y.detach(), a.grad, y.grad_fn.name()))
    _same(grads[1][0], grads[0][0], "value")
    _same(grads[1][1], grads[0][1], "gradient")
    assert grads[1][2] == grads[0][2]


def test_errors_as_torch() -> None:
    for T in LIBS:
        with pytest.raises(RuntimeError, match="can't be cast to the desired output type Long"):
            T.tensor([1, 4]).sqrt_()
        with pytest.raises(RuntimeError, match="float_power_ has dtype Float"):
            T.ones(2).float_power_(2)
        with pytest.raises(RuntimeError, match="t_?\\(\\) expects a tensor with <= 2 dim"):
            T.ones(2, 2, 2).t_()
        with pytest.raises(RuntimeError, match="all dimensions of input must be of equal length"):
            T.ones(2, 3, 3).fill_diagonal_(1.0)


# --- torch.X_, F.X_ and inplace=True ----------------------------------------------------------

_TOP = [n for n in dir(torch) if n.endswith("_") and not n.startswith("_") and hasattr(ma, n[:-1])]
_F_INPLACE = [n for n in dir(torch.nn.functional) if n.endswith("_") and not n.startswith("_")]
_ARGS = {
    "threshold": (0.5, -1.0),
    "xlogy": (Y,),
    "addmv": (Y, Z[0]),
    "clamp": (0.4, 0.7),
    "clip": (0.4, 0.7),
    "clamp_min": (0.5,),
    "clamp_max": (0.5,),
    "as_strided": ((2, 2), (1, 2), 1),
}


def _top_input(name: str) -> np.ndarray:
    base = name[:-1]
    if base in ("acosh", "arccosh"):
        return X + 1.0
    if base == "addmv":
        return X[0, :3]
    return XS if base in ("relu", "celu", "elu", "selu", "rrelu", "threshold") else X


@pytest.mark.parametrize("name", [n for n in _TOP if n != "index_put_"] + _F_INPLACE)
def test_top_level_and_functional_inplace_as_torch(name: str) -> None:
    """torch.X_(y, ...) and F.X_(y, ...) on a non-leaf: y itself, with torch's value and grads."""
    results = []
    for T in LIBS:
        ns = T if hasattr(torch, name) else T.nn.functional
        fn = getattr(ns, name)
        x = T.tensor(_top_input(name), requires_grad=True)
        y = x * 1.0
        args = _arg(T, _ARGS.get(name[:-1], ()), False)
        if T is torch and name in TORCH_LACKS_INPLACE_GRAD:
            y = getattr(torch, name[:-1])(y)
        else:
            assert fn(y, *args) is y
        (y * T.tensor(np.linspace(-1, 1, y.numel()).reshape(tuple(y.shape)))).sum().backward()
        results.append((y.detach(), x.grad, y.grad_fn.name()))
    _same(results[1][0], results[0][0], name)
    _same(results[1][1], results[0][1], name + " gradient")
    assert results[1][2] == results[0][2]


_FLAGGED = {
    "relu": (),
    "elu": (0.7,),
    "leaky_relu": (0.1,),
    "hardtanh": (-0.2, 0.3),
    "relu6": (),
    "selu": (),
    "celu": (0.5,),
    "silu": (),
    "mish": (),
    "hardswish": (),
    "hardsigmoid": (),
    "threshold": (0.1, -1.0),
    "rrelu": (0.1, 0.3, False),
    "dropout": (1.0,),
    "dropout1d": (1.0,),
    "dropout2d": (1.0,),
    "dropout3d": (1.0,),
}


@pytest.mark.parametrize("name", sorted(_FLAGGED))
def test_inplace_flag_as_torch(name: str) -> None:
    """F.X(y, ..., inplace=True) writes into y (a leaf requiring grad: torch's error)."""
    shape = {"dropout1d": (2, 3, 2), "dropout2d": (2, 3, 2, 1), "dropout3d": (2, 3, 1, 2, 1)}
    data = XS.reshape(shape.get(name, XS.shape))
    results = []
    for T in LIBS:
        fn = getattr(T.nn.functional, name)
        x = T.tensor(data, requires_grad=True)
        y = x * 1.0
        assert fn(y, *_FLAGGED[name], inplace=True) is y
        (y * T.tensor(np.linspace(-1, 1, y.numel()).reshape(data.shape))).sum().backward()
        results.append((y.detach(), x.grad))
        with pytest.raises(RuntimeError, match="leaf Variable"):
            fn(T.tensor(data, requires_grad=True), *_FLAGGED[name], inplace=True)
        plain = T.tensor(data)
        assert fn(plain, *_FLAGGED[name]) is not plain or name.startswith("dropout")
    _same(results[1][0], results[0][0], name)
    # torch's hardsigmoid backward rounds 1/6 to float32 even in float64
    _same(results[1][1], results[0][1], name + " gradient", 1e-7 if "sigmoid" in name else 1e-10)


def test_dropout_inplace_keeps_or_zeros_each_element() -> None:
    ma.manual_seed(0)
    y = ma.tensor(X, requires_grad=True) * 1.0
    assert MF.dropout(y, 0.5, inplace=True) is y
    kept = y._data != 0
    np.testing.assert_allclose(y._data[kept], 2 * X[kept])
    assert 0 < kept.sum() < kept.size


@pytest.mark.parametrize(
    "module, args",
    [
        ("ReLU", ()),
        ("ELU", (0.5,)),
        ("LeakyReLU", (0.2,)),
        ("Hardtanh", ()),
        ("ReLU6", ()),
        ("SELU", ()),
        ("CELU", ()),
        ("SiLU", ()),
        ("Mish", ()),
        ("Hardswish", ()),
        ("Hardsigmoid", ()),
        ("Threshold", (0.1, -1.0)),
        ("RReLU", ()),
        ("Dropout", (1.0,)),
    ],
)
def test_nn_modules_with_inplace_as_torch(module: str, args: tuple) -> None:
    results = []
    for T in LIBS:
        layer = getattr(T.nn, module)(*args, inplace=True)
        layer.eval() if module == "RReLU" else None
        y = T.tensor(XS, requires_grad=True) * 1.0
        assert layer(y) is y
        results.append(y.detach())
        assert repr(layer) == repr(getattr(torch.nn, module)(*args, inplace=True))
    _same(results[1], results[0], module)
