"""The fuzzer over the catalogue's families (table_catalogue.py, table_reduce.py,
table_vision.py): every spec draws valid programs, the engine bugs it found stay fixed (each
against torch), and the judge's two rules it needed: torch's missing double backwards are
torch's, and detached targets stay fixed in finite differences."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import mini_autograd  # noqa: E402
from compare.fuzz import SPECS  # noqa: E402
from compare.fuzz.generate import evaluate, trace_inputs  # noqa: E402
from compare.fuzz.judge import CANDIDATE, TORCH, frozen_detach, run  # noqa: E402
from compare.fuzz.program import Input, Node, Program  # noqa: E402
from compare.fuzz.specs import Pool, Value  # noqa: E402
from mini_autograd.ops import OPS  # noqa: E402

F = "nn.functional"


def _one_op(op: str, params: dict, shape=(2, 3), n_inputs: int = 1, low=-1.0, high=1.0):
    inputs = tuple(Input(f"x{k}", shape, low, high) for k in range(n_inputs))
    node = Node("v0", op, tuple(i.name for i in inputs), params)
    return Program(f"fuzz_test_{op.replace('.', '_')}", inputs, (node,), "v0")


def test_the_fuzz_table_covers_most_of_the_op_table():
    """The specs name engine ops, and reach families beyond the first table's fourteen."""
    fuzzed = {s.torch_name for s in SPECS.values()}
    assert fuzzed <= set(OPS)
    families = {OPS[n].family for n in fuzzed}
    assert len(families) >= 30, sorted(set(i.family for i in OPS.values()) - families)
    assert len(fuzzed) >= 240


@pytest.mark.parametrize("key", sorted(k for k in SPECS if SPECS[k].torch_name in OPS))
def test_every_spec_draws_a_node_torch_accepts(key):
    """Over seeded pools of assorted shapes, each spec draws at least one node torch evaluates."""
    rng = np.random.default_rng(0)
    shapes = [(), (3,), (4,), (2, 3), (3, 3), (2, 4, 4), (2, 4, 3, 3), (1, 4, 6), (4, 2, 2)]
    for attempt in range(60):
        shape = shapes[attempt % len(shapes)]
        inputs = tuple(Input(f"x{k}", shape, 0.1 if attempt % 2 else -1.0, 0.9) for k in range(3))
        env = trace_inputs(Program("p", inputs, (), "x0"))
        env["m0"] = env["x0"].detach() > 0.5  # a mask, for the logical ops and where
        pool = Pool(rng, [Value.of(n, t) for n, t in env.items()])
        drawn = SPECS[key].draw(pool)
        if drawn is None:
            continue
        value = evaluate(Node("v0", key, *drawn), env)
        if value is not None:
            return
    pytest.fail(f"{key}: no valid node in 60 draws")


# ---- engine bugs the catalogue fuzzing found, each against torch ----


def _both(fn, data):
    """fn's value, gradient and create_graph gradient's requires_grad in both frameworks."""
    out = []
    for T in (mini_autograd, torch):
        x = T.tensor(data, dtype=T.float64, requires_grad=True)
        y = fn(T, x)
        (g,) = T.autograd.grad(y.sum(), x, create_graph=True)
        out.append(
            (tuple(y.shape), np.asarray(y.detach().tolist()), g.detach().numpy(), g.requires_grad)
        )
    return out


@pytest.mark.parametrize(
    "expr",
    [
        lambda T, x: T.kron(x, x),
        lambda T, x: T.tensordot(x, x, dims=1),
        lambda T, x: T.einsum("...j->...", x),
        lambda T, x: T.einsum("ij,ij->i", x.reshape(0, 1), x.reshape(0, 1)),
    ],
)
def test_einsum_kron_tensordot_over_a_zero_size_dim_as_torch(expr):
    (ms, mv, mg, _), (ts, tv, tg, _) = _both(expr, np.zeros(0))
    assert ms == ts and mv.shape == tv.shape and mg.shape == tg.shape == (0,)


@pytest.mark.parametrize(
    "expr, data",
    [
        (lambda T, x: T.cumprod(x, dim=0), [[0.3, 0.2]]),  # a dim of one element: y = x
        (lambda T, x: T.cumprod(x, dim=1), [[0.3, 0.2]]),
        (lambda T, x: T.nn.functional.softplus(T.trunc(x)), [0.3, 1.7]),
        (lambda T, x: T.trunc(x) * x, [0.3, 1.7]),
    ],
)
def test_constant_gradient_rules_of_cumprod_and_trunc_as_torch(expr, data):
    (ms, mv, mg, mr), (ts, tv, tg, tr) = _both(expr, data)
    assert ms == ts and mr == tr
    np.testing.assert_allclose(mv, tv)
    np.testing.assert_allclose(mg, tg)


def test_second_order_through_padding_and_a_linear_of_one_tensor_as_torch():
    """A pooling/padding backward's zero part was a Tensor in a plain backward (Anchor), and
    matmul's backward could not mix a Tensor with a constant array: both raised TypeError."""
    results = []
    for T in (mini_autograd, torch):
        x = T.tensor([[0.3, -0.2, 0.5], [0.1, 0.7, -0.4]], dtype=T.float64, requires_grad=True)
        v = T.nn.functional.linear(x, x)
        y = T.nn.functional.pad(
            T.nn.functional.avg_pool1d(v, 1, 1, 0, count_include_pad=False), (0, 1), mode="reflect"
        )
        (g,) = T.autograd.grad(y, x, grad_outputs=T.ones_like(y), create_graph=True)
        (h,) = T.autograd.grad((g * g).sum(), x)
        results.append(h.numpy())
    np.testing.assert_allclose(*results, rtol=1e-12)


# ---- the judge ----


def test_torch_without_a_double_backward_is_torch_s_fault_when_finite_differences_agree():
    """torch's pdist has no second derivative; the engine's agrees with finite differences."""
    j = run(_one_op("pdist", {}, shape=(3, 2)), mini_autograd, "float64", decide=True)
    assert j.signature == "2nd order: only torch raised NotImplementedError"
    assert j.fault == TORCH, j.verdicts
    assert "agrees with finite differences" in j.verdicts[0].evidence


def test_a_wrong_second_derivative_where_torch_has_none_is_the_engine_s(monkeypatch):
    """The engine's pdist with a Hessian off by the identity (values and gradients unchanged):
    finite differences of torch's gradient make it the engine's fault."""
    real = mini_autograd.nn.functional.pdist

    def pdist(x, p=2):
        return real(x, p) + 0.5 * ((x - x.detach()) ** 2).sum()

    monkeypatch.setattr(mini_autograd.nn.functional, "pdist", pdist)
    j = run(_one_op("pdist", {}, shape=(3, 2)), mini_autograd, "float64", decide=True)
    assert j.signature == "2nd order: only torch raised NotImplementedError"
    assert j.fault == CANDIDATE, j.verdicts


def test_finite_differences_hold_a_detached_target_fixed():
    """d/dx mse(2x, x.detach()) is what autograd says (4(2x - x)/n), not the total derivative."""
    program = Program(
        "fuzz_test_detach",
        (Input("x0", (3,)),),
        (Node("v0", "mul", ("x0",), {"const": 2.0, "rev": False}),),
        "v0",
    )
    case = program.case()
    arrays = case.arrays(0)
    real = torch.Tensor.detach
    fn = frozen_detach(_Detaching(case), arrays)
    x = torch.tensor(arrays["x0"], dtype=torch.float64)
    h = 1e-6
    e = torch.zeros(3, dtype=torch.float64)
    e[0] = h
    fd = (fn(torch, x + e) - fn(torch, x - e)) / (2 * h)
    expected = 2 * 2 * (2 * x[0] - x[0]) / 3
    assert abs(float(fd) - float(expected)) < 1e-6
    assert torch.Tensor.detach is real  # restored after recording and after each replay


class _Detaching:
    """A case whose function is mse_loss(2x, x.detach()): the detach is the point."""

    def __init__(self, case):
        self.inputs = case.inputs

    @staticmethod
    def fn(T, x):
        return T.nn.functional.mse_loss(2 * x, x.detach())


def test_kron_promotes_dtypes_as_torch():
    got = []
    for T in (mini_autograd, torch):
        x = T.ones(2, requires_grad=True)
        y = T.kron(x.double(), x * 2)
        y.sum().backward()
        got.append((str(y.dtype).split(".")[-1], str(x.grad.dtype).split(".")[-1], x.grad.tolist()))
    assert got[0] == got[1] == ("float64", "float32", [8.0, 8.0])


def test_both_frameworks_refusing_a_program_alike_is_agreement():
    """x.double() beside float32 x: lerp refuses it in both (float32 run), fine in float64."""
    p = Program(
        "fuzz_test_refusal",
        (Input("x0", (3,)),),
        (
            Node("v0", "convert", ("x0",), {"how": "double"}),
            Node("v1", "lerp", ("v0", "x0"), {"w": 0.0}),
        ),
        "v1",
    )
    j = run(p, mini_autograd, "float32", decide=True)
    assert [c.message.split(":")[0] for c in j.result.failures] == [
        "both raised, although the case expects no error"
    ]
    assert j.agrees  # the same RuntimeError in both: not a mismatch
    assert run(p, mini_autograd, "float64").agrees


@pytest.mark.parametrize(
    "expr",
    [
        "F.hardtanh(x)",
        "F.relu6(x * 5)",
        "F.softshrink(x, 0.3)",
        "F.hardshrink(x, 0.3)",
        "F.threshold(x, 0.2, -1.0)",
        "T.copysign(x, x * 0 - 1)",
        "T.copysign(x, T.tensor(-2.0, dtype=x.dtype))",
        "F.pad(x.reshape(1, 1, 4), (0, 0), mode='reflect')",
        "F.pad(x.reshape(1, 1, 4), (0, 0), mode='replicate')",
        "F.conv1d(x.reshape(1, 1, 4), T.ones(1, 1, 2, dtype=x.dtype))",
        "F.conv_transpose1d(x.reshape(1, 1, 4), T.ones(1, 1, 2, dtype=x.dtype))",
        "F.conv2d(x.reshape(1, 1, 2, 2), T.ones(1, 1, 1, 1, dtype=x.dtype))",
        "F.adaptive_avg_pool1d(x.reshape(1, 1, 4), 3)",
        "F.adaptive_avg_pool2d(x.reshape(1, 1, 2, 2), (1, 2))",
        "F.adaptive_avg_pool2d(x.reshape(1, 1, 2, 2), 1)",  # torch takes a mean: constant
    ],
)
def test_piecewise_and_constant_operand_gradients_are_nodes_of_the_input_as_torch(expr):
    """Under create_graph torch records these gradients as nodes that reach x (their derivative
    is piecewise constant, or the other operand is a constant), so a second `grad` works: the
    engine's first-order gradient must require grad too, with torch's values, node name and
    derivatives with respect to the upstream gradient."""
    out = []
    for T in (mini_autograd, torch):
        F = T.nn.functional
        x = T.tensor([0.3, -1.4, 0.5, 0.25], dtype=T.float64, requires_grad=True)
        y = eval(expr, {"T": T, "F": F, "x": x})  # noqa: S307 - the test's own expressions
        gy = T.ones_like(y) * T.arange(1.0, y.numel() + 1, dtype=T.float64).reshape(y.shape)
        gy.requires_grad_(True)
        (g,) = T.autograd.grad(y, x, gy, create_graph=True)
        hx, hgy = T.autograd.grad((g * g).sum(), [x, gy], allow_unused=True)
        out.append((g.requires_grad, g.tolist(), None if hx is None else hx.tolist(), hgy.tolist()))
    assert out[0] == out[1]


def test_hardsigmoid_gradient_is_a_node_of_x_and_twice_differentiable_where_torch_is_not():
    """torch records hardsigmoid's create_graph gradient as a node of x but implements no
    derivative for it; the engine's has torch's first order and the exact second order."""
    xs = [0.3, -1.4, 0.5, 0.25]
    grads = []
    for T in (mini_autograd, torch):
        x = T.tensor(xs, dtype=T.float64, requires_grad=True)
        y = T.nn.functional.hardsigmoid(x * 4)
        (g,) = T.autograd.grad(y.sum(), x, create_graph=True)
        assert g.requires_grad
        grads.append(g.detach().numpy())
        if T is torch:
            with pytest.raises(RuntimeError, match="hardsigmoid_backward is not implemented"):
                T.autograd.grad(g.sum(), x)
        else:
            (h,) = T.autograd.grad(g.sum(), x)
            np.testing.assert_array_equal(h.numpy(), np.zeros(4))  # piecewise linear
    np.testing.assert_allclose(grads[0], grads[1])
    np.testing.assert_allclose(grads[0], np.where(np.abs(np.array(xs) * 4) < 3, 4 / 6, 0.0))
