"""The harness's own parts: metrics against assert_close, the registry, inputs, graphs."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from compare import registry  # noqa: E402
from compare.execute import Raised  # noqa: E402
from compare.function_case import FunctionCase  # noqa: E402
from compare.graph import Graph, mermaid, walk  # noqa: E402
from compare.inputs import rng_for  # noqa: E402
from compare.metrics import compare_arrays  # noqa: E402
from compare.registry import RunContext  # noqa: E402
from compare.results import FAIL, GRAD, MISSING, VALUE, CaseResult, Check  # noqa: E402
from compare.run import run_case  # noqa: E402
from compare.tolerances import DEFAULT, DTYPES, Tol, tolerance  # noqa: E402

F32 = DEFAULT["float32"]

# --- metrics --------------------------------------------------------------------------------


def test_metrics_report_what_assert_close_reports():
    actual = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.5]], dtype=np.float32)
    expected = np.array([[1.0, 2.1, 3.0], [4.0, 5.0, 6.0]], dtype=np.float32)
    diff = compare_arrays(actual, expected, F32)
    assert not diff.ok
    assert (diff.mismatched, diff.total) == (2, 6)
    assert diff.max_abs == pytest.approx(0.5) and diff.abs_index == (1, 2)
    assert diff.max_rel == pytest.approx(0.5 / 6.0) and diff.rel_index == (1, 2)
    with pytest.raises(AssertionError) as torch_says:
        torch.testing.assert_close(torch.from_numpy(actual), torch.from_numpy(expected))
    assert diff.mismatch_line() in str(torch_says.value)  # "Mismatched elements: 2 / 6 (33.3%)"
    assert "Greatest absolute difference: 0.5 at index (1, 2) (up to 1e-05 allowed)" in (
        diff.message()
    )


@pytest.mark.parametrize("seed", range(20))
def test_metrics_agree_with_assert_close_on_random_arrays(seed):
    rng = np.random.default_rng(seed)
    expected = rng.normal(size=(4, 5))
    actual = expected + rng.normal(size=(4, 5)) * 10.0 ** rng.integers(-9, -5)
    actual[rng.random((4, 5)) < 0.1] = np.nan
    expected[np.isnan(actual) & (rng.random((4, 5)) < 0.5)] = np.nan
    tol = Tol(rtol=1e-7, atol=1e-7)
    diff = compare_arrays(actual, expected, tol)
    try:
        torch.testing.assert_close(
            torch.from_numpy(actual),
            torch.from_numpy(expected),
            rtol=tol.rtol,
            atol=tol.atol,
            equal_nan=True,
        )
        assert diff.ok
    except AssertionError as e:
        assert not diff.ok and diff.mismatch_line() in str(e)


def test_nan_and_infinities_at_the_same_places_are_equal():
    a = np.array([np.nan, np.inf, -np.inf, 1.0])
    assert compare_arrays(a, a.copy(), F32).ok
    assert not compare_arrays(np.array([np.inf]), np.array([-np.inf]), F32).ok
    assert not compare_arrays(np.array([1.0]), np.array([np.inf]), F32).ok
    assert not compare_arrays(np.array([np.nan]), np.array([0.0]), F32).ok


def test_dtype_and_shape_mismatches_are_failures_of_their_own():
    same = np.ones(3)
    dtype = compare_arrays(same.astype(np.float32), same, F32)
    assert not dtype.ok and dtype.mismatched == 0 and "'dtype' do not match" in dtype.message()
    shape = compare_arrays(np.ones((3, 1)), same, F32)
    assert not shape.ok and "'shape' do not match: (3, 1) != (3,)" in shape.message()


def test_scalars_are_reported_as_torch_does():
    diff = compare_arrays(np.float64(1.0), np.float64(2.0), F32)
    assert diff.message().startswith("Scalars are not close!\n\nExpected 2.0 but got 1.0.")


def test_tolerance_boundary_is_inclusive_and_overrides_apply():
    tol = Tol(rtol=0.0, atol=0.5)
    assert compare_arrays(np.array([1.5]), np.array([1.0]), tol).ok
    overrides = {"float32": Tol(1e-3, 1e-3), "float32 2nd": Tol(1e-2, 1e-2)}
    assert tolerance("float32", "grad", overrides) == Tol(1e-3, 1e-3)
    assert tolerance("float32", "2nd", overrides) == Tol(1e-2, 1e-2)
    assert tolerance("float64", "grad", overrides) == DEFAULT["float64"]


# --- registry -------------------------------------------------------------------------------


def test_registry_holds_the_required_cases():
    names = {c.name for c in registry.all_cases()}
    assert len(names) >= 40
    required = {
        "square_exp_square",
        "exp",
        "sigmoid",
        "tanh",
        "tanh_sigmoid",  # the seeds
        "sphere",
        "matyas",
        "goldstein_price",
        "rosenbrock",
        "quartic",
        "taylor_sin",  # the book
        "broadcast_outer",
        "sum_dim_keepdim",
        "matmul_chain",
        "mlp_tanh",
        "softmax_cross_entropy",
        "attention",
        "log_softmax_huge_logits",
        "max_ties",
        "reused_subexpression",
        "deep_chain",
    }
    assert required <= names


def test_selecting_by_substring_glob_and_tag():
    def names(*patterns):
        return {c.name for c in registry.select(patterns)[0]}

    assert names("sigmoid") == {"sigmoid"}  # an exact name selects exactly that case
    assert {"sigmoid", "tanh_sigmoid"} <= names("*sigmoid*") and "sphere" not in names("*sigm*")
    assert "tanh_sigmoid" in names("sigm")  # no exact name: a substring
    assert names("tag:book") == {c.name for c in registry.all_cases() if "book" in c.tags}
    assert registry.select(["tag:sphere"])[1] == ["tag:sphere"]  # a name is not a tag
    assert names("matmul_*") == {
        c.name for c in registry.all_cases() if c.name.startswith("matmul_")
    }
    assert {"sphere", "matyas", "quartic"} <= names("book")
    assert names("sphere,matyas") == names("sphere", "matyas") == {"sphere", "matyas"}
    assert registry.select(["sphere", "nosuchcase"])[1] == ["nosuchcase"]
    assert "sphere" in registry.suggestions("sphre")


def test_duplicate_names_and_mismatched_inputs_are_refused():
    from compare.function_case import case
    from compare.inputs import uniform

    with pytest.raises(ValueError, match="already registered"):
        registry.register(registry.get("sphere"))
    with pytest.raises(TypeError, match="do not match the parameters"):
        case(inputs={"x": uniform(2)})(lambda T, y: y)


@pytest.mark.parametrize("dtype", DTYPES)
def test_every_case_passes_with_torch_as_the_candidate(dtype):
    """The harness itself is sound: torch against torch agrees everywhere, FD included."""
    for case in registry.all_cases():
        if not isinstance(case, FunctionCase):
            continue  # other kinds test their own machinery
        result = run_case(case, RunContext(torch, torch, dtype, timing=False))
        assert result.ok, result.failure_message()
        if case.raises is None:
            assert not result.detail.reference.errors, f"{case.name} raises in torch"


# --- inputs and seeds -----------------------------------------------------------------------


def test_inputs_depend_on_seed_and_case_only():
    case = registry.get("matmul_chain")
    a, b = case.arrays(0), case.arrays(0)
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert not np.array_equal(case.arrays(1)["a"], a["a"])
    assert rng_for(0, "x", "s").random() != rng_for(0, "y", "s").random()


# --- graphs ---------------------------------------------------------------------------------


def test_walk_names_leaves_and_follows_reuse():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = torch.tensor(3.0, requires_grad=True)
    a = torch.tanh(x)
    graph = walk((a * a + a * y).sum(), {"x": x, "y": y})
    labels = [label for label, _ in graph.nodes]
    assert labels[:3] == ["output scalar", "SumBackward0", "AddBackward0"]
    assert {"x (2,)", "y scalar", "TanhBackward0"} <= set(labels)
    assert labels.count("TanhBackward0") == 1  # a is one node, used three times
    text = mermaid(graph)
    assert text.startswith("```mermaid\nflowchart TD") and '-->|"×2"|' in text
    assert walk(torch.ones(2), {}) is None


def test_mermaid_quotes_labels_and_folds_big_graphs():
    graph = Graph(
        nodes=(("output scalar", "output"),) + tuple((f'op "{i}"', "op") for i in range(50)),
        edges=tuple((i + 1, i) for i in range(50)),
    )
    text = mermaid(graph, max_nodes=10)
    assert '    n1["op #quot;0#quot;"]' in text
    assert '"... 41 more nodes"' in text and "more --> n9" in text


# --- exceptions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("exc", "missing"),
    [
        (AttributeError("module 'mini_autograd' has no attribute 'cat'"), "mini_autograd.cat"),
        (AttributeError("'Tensor' object has no attribute 'amax'"), "Tensor.amax"),
        (TypeError("'Tensor' object is not subscriptable"), "Tensor.__getitem__"),
        (AttributeError("'numpy.ndarray' object has no attribute 'detach'"), ""),  # a real bug
        (TypeError("unsupported operand type(s) for &: 'Tensor' and 'Tensor'"), ""),
    ],
)
def test_a_missing_torch_name_is_told_apart_from_a_bug(exc, missing):
    assert Raised.of(exc, "mini_autograd").missing == missing


def test_status_is_missing_only_when_every_failure_is_a_missing_name():
    result = CaseResult("c", "function", "float32", "mini_autograd")
    result.checks = [Check("forward", VALUE, ok=False, missing="mini_autograd.cat")]
    assert result.status == MISSING
    result.checks.append(Check("grad x", GRAD, ok=False, message="off"))
    assert result.status == FAIL and "grad x: off" in result.failure_message()


def test_finite_differences_match_a_known_derivative():
    from compare.finite_diff import finite_differences
    from compare.inputs import uniform

    x = np.linspace(-2.0, 2.0, 30)
    gy = np.random.default_rng(0).normal(size=30)
    specs = {"x": uniform(30)}
    fd = finite_differences(
        lambda T, x: x**3, torch, {"x": x}, specs, gy, np.random.default_rng(1), 12, 1e-6
    )
    where, derivatives = fd["x"]
    assert len(where) == 12 and np.all(np.diff(where) > 0)
    np.testing.assert_allclose(derivatives, 3 * x[where] ** 2 * gy[where], rtol=1e-8, atol=1e-8)
