"""A broken case is never green: every exception is a failure unless the case expects it, a case
returns tensors or tuples of tensors, torch's other tensor kinds are read, hangs time out, and
huge graphs complete."""

from __future__ import annotations

import importlib.util
import os
import sys
import time
import types
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import mini_autograd  # noqa: E402
from compare import cli, registry  # noqa: E402
from compare.execute import to_numpy  # noqa: E402
from compare.function_case import FunctionCase  # noqa: E402
from compare.graph import WALK_MAX_NODES, mermaid, walk  # noqa: E402
from compare.inputs import uniform  # noqa: E402
from compare.registry import RunContext  # noqa: E402
from compare.results import (  # noqa: E402
    BOTH_SIDES,
    CANDIDATE_SIDE,
    CASE_SIDE,
    ERROR,
    EXPECTED_ERROR,
    FAIL,
    MISSING,
    OK_STATUSES,
    PASS,
    REFERENCE_SIDE,
    STATUS_ORDER,
    STATUSES,
    TIMEOUT,
)
from compare.run import run_case  # noqa: E402

XY = {"x": uniform(3, 4), "y": uniform(4)}


def make(fn, inputs=XY, **kwargs) -> FunctionCase:
    return FunctionCase(fn=fn, name=kwargs.pop("name", fn.__name__), inputs=inputs, **kwargs)


def run(case: FunctionCase, candidate=mini_autograd, dtype="float64", timeout=None):
    return run_case(case, RunContext(candidate, torch, dtype, timing=False), timeout)


def typo(T, x, y):
    return T.tanhh(x) @ y


def shape_bug(T, x, y):
    return x @ T.ones(5, dtype=x.dtype)


def item(T, x, y):
    return (T.tanh(x) @ y).sum().item()


def numpy_array(T, x, y):
    return (x @ y).detach().numpy()


def nothing(T, x, y):
    T.tanh(x)


BROKEN = [
    pytest.param(typo, BOTH_SIDES, "has no attribute 'tanhh'", id="typo"),
    pytest.param(shape_bug, BOTH_SIDES, "mat (3x4), vec (5)", id="shape bug"),
    pytest.param(item, CASE_SIDE, "case item returned float", id="item"),
    pytest.param(numpy_array, CASE_SIDE, "returned ndarray", id="numpy array"),
    pytest.param(nothing, CASE_SIDE, "returned NoneType None", id="no return"),
]


@pytest.mark.parametrize(("fn", "side", "words"), BROKEN)
def test_a_broken_case_is_an_error_never_a_pass(fn, side, words):
    for candidate in (mini_autograd, torch):  # even torch against itself
        result = run(make(fn), candidate)
        assert result.status == ERROR and not result.ok, result.failure_message()
        assert result.error_side == side
        assert words in result.failure_message()


def test_the_raises_hint_names_the_type_torch_raised():
    result = run(make(shape_bug))
    assert "declare @case(..., raises=RuntimeError)" in result.failure_message()


def test_who_raised_is_told_apart():
    def candidate_only(T, x, y):
        if T is torch:
            return x @ y
        raise ValueError("candidate bug")

    def reference_only(T, x, y):
        if T is torch:
            raise ValueError("torch rejects it")
        return x @ y

    assert run(make(candidate_only)).error_side == CANDIDATE_SIDE
    assert run(make(reference_only)).error_side == REFERENCE_SIDE
    missing = run(make(lambda T, x, y: x @ y), types.SimpleNamespace(__name__="bare"))
    assert missing.status == ERROR  # a module without `tensor`: the candidate is broken


def test_a_candidate_lacking_a_torch_name_is_missing_not_error():
    def uses_cat(T, x, y):
        return T.cat([x, x]) @ y

    fake = types.ModuleType("fake_engine")
    fake.__getattr__ = lambda name: (
        getattr(torch, name)
        if name != "cat"
        else (_ for _ in ()).throw(AttributeError("module 'fake_engine' has no attribute 'cat'"))
    )
    result = run(make(uses_cat), fake)
    assert result.status == MISSING and result.missing == ["fake_engine.cat"]


def matmul_error(T, x, y):
    return x @ x


@pytest.mark.parametrize(
    ("raises", "status", "words"),
    [
        (RuntimeError, EXPECTED_ERROR, "both raised as expected"),
        (ValueError, ERROR, "the case expects ValueError, but torch raised RuntimeError"),
    ],
)
def test_an_expected_error_passes_only_when_torch_raises_it(raises, status, words):
    result = run(make(matmul_error, raises=raises))
    assert result.status == status and words in result.failure_message() + str(result.checks)
    assert "mat1 and mat2 shapes cannot be multiplied" in result.checks[0].message


def test_an_expected_error_fails_when_the_candidate_raises_another_type_or_none():
    quiet = types.ModuleType("quiet_engine")
    quiet.__dict__.update(tensor=lambda *a, **k: _Quiet(), float32="f4", float64="f8")
    result = run(make(matmul_error, raises=RuntimeError), quiet)
    message = result.failure_message()
    assert result.status == FAIL and "at the forward step, as the case expects; quiet_engine" in (
        message
    )

    def wrong_type(T, x, y):
        if T is torch:
            return x @ x
        raise ValueError("shapes differ")

    result = run(make(wrong_type, raises=RuntimeError))
    assert result.status == FAIL
    assert "mini_autograd raised ValueError: shapes differ, which is not a RuntimeError" in (
        result.failure_message()
    )
    result = run(make(lambda T, x, y: x @ y, name="no_error", raises=RuntimeError))
    assert result.status == ERROR and result.error_side == REFERENCE_SIDE
    assert "torch raised nothing: the case is broken" in result.failure_message()


class _Quiet:
    """A tensor stand-in whose matmul never raises."""

    shape = (3, 4)

    def __matmul__(self, other):
        return self

    def detach(self):
        return self

    def numpy(self):
        return np.zeros(self.shape)


def test_the_registered_error_cases_declare_their_error():
    declared = [c for c in registry.all_cases() if getattr(c, "raises", None)]
    assert {c.name for c in declared} >= {"matmul_shape_mismatch"}
    for case in declared:
        for dtype in ("float32", "float64"):
            assert run(case, dtype=dtype).status == EXPECTED_ERROR


# --- what a case may return ----------------------------------------------------------------


def test_a_tuple_of_tensors_is_compared_output_by_output_with_backward_through_all():
    def pair(T, x, y):
        return T.tanh(x) @ y, (x * x).sum(dim=0)

    result = run(make(pair))
    assert result.status == PASS, result.failure_message()
    quantities = [c.quantity for c in result.checks]
    assert {"value[0]", "value[1]", "grad x", "grad y", "2nd order x"} <= set(quantities)
    # the gradient of x is the sum over both outputs: check it against one written by hand
    detail = result.detail
    x, y = (torch.tensor(detail.arrays[n], requires_grad=True) for n in "xy")
    a, b = torch.tanh(x) @ y, (x * x).sum(dim=0)
    from compare.inputs import Draws

    draws = Draws(0, "pair")
    gy0, gy1 = (torch.tensor(draws.upstream(t.shape, k)) for k, t in enumerate((a, b)))
    ((a * gy0).sum() + (b * gy1).sum()).backward()
    np.testing.assert_allclose(detail.candidate.grads["x"], x.grad.numpy(), rtol=1e-12)
    fd = [c for c in result.checks if "finite differences" in c.quantity]
    assert fd and all(c.ok for c in fd)


def test_a_tuple_output_the_candidate_gets_wrong_fails():
    def pair(T, x, y):
        second = (x * x).sum(dim=0)
        return T.tanh(x) @ y, second * (1.001 if T is mini_autograd else 1.0)

    result = run(make(pair))
    assert result.status == FAIL
    failed = {c.quantity for c in result.failures}
    assert "value[1]" in failed and "value[0]" not in failed


def test_a_torch_zero_tensor_second_order_is_read_as_zeros():
    """abs'' is 0: torch returns a ZeroTensor, which `.numpy()` refuses."""

    def absolute(T, x):
        return T.abs(x)

    result = run(make(absolute, inputs={"x": uniform(5)}))
    assert result.status == PASS, result.failure_message()
    assert any(c.quantity == "2nd order x" for c in result.checks) or result.notes
    x = torch.tensor([1.0, -2.0], dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(torch.abs(x).sum(), x, create_graph=True)
    (h,) = torch.autograd.grad(g.sum(), x)
    assert h._is_zerotensor()
    np.testing.assert_array_equal(to_numpy(h), [0.0, 0.0])
    assert to_numpy(torch.tensor([1.0, 2.0]).conj()).tolist() == [1.0, 2.0]
    dense = to_numpy(torch.tensor([[0.0, 3.0]]).to_sparse())
    assert dense.tolist() == [[0.0, 3.0]]


# --- the CLI and pytest call a broken case red ----------------------------------------------


def test_a_broken_case_is_exit_1_in_the_cli_and_fails_in_pytest(monkeypatch, tmp_path, capsys):
    broken = make(typo, name="broken_typo")
    monkeypatch.setitem(registry._CASES, broken.name, broken)
    argv = ["--cases", "broken_typo", "--out", str(tmp_path), "-q", "--no-timing"]
    assert cli.main(argv) == 1
    assert "2 error" in capsys.readouterr().out
    text = (tmp_path / "summary.md").read_text()
    assert "❌ error" in text and "✅" not in text.split("| case ")[1]
    spec = importlib.util.spec_from_file_location(
        "parity", Path(__file__).with_name("test_parity.py")
    )
    parity = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(parity)
    with pytest.raises(pytest.fail.Exception, match="has no attribute 'tanhh'"):
        parity.test_parity(broken, "float32")


def test_the_status_model_is_complete_and_ordered():
    assert set(STATUSES) == set(STATUS_ORDER) and set(STATUSES) > OK_STATUSES
    assert {PASS, EXPECTED_ERROR} <= OK_STATUSES and not {ERROR, FAIL, TIMEOUT} & OK_STATUSES
    from compare.report.tables import STATUS

    assert set(STATUS) == set(STATUSES)


# --- time limits and big graphs -------------------------------------------------------------


def test_a_hanging_case_times_out_and_the_run_goes_on():
    def hangs(T, x, y):
        while True:
            pass

    start = time.perf_counter()
    result = run(make(hangs), timeout=0.5)
    assert time.perf_counter() - start < 5
    assert result.status == TIMEOUT and not result.ok
    assert "timed out after 0.5 s" in result.failure_message()
    after = run(make(lambda T, x, y: T.tanh(x) @ y, name="after"), timeout=10)
    assert after.status == PASS  # the worker was stopped: the next case runs normally


def test_a_case_that_catches_exceptions_still_times_out():
    def stubborn(T, x, y):
        while True:
            try:
                time.sleep(0.01)
            except Exception:  # noqa: BLE001, S112 - what a careless case does
                continue

    assert run(make(stubborn), timeout=0.3).status == TIMEOUT


#: the harness-level big-graph case: 10^5 nodes with COMPARE_SLOW_TESTS=1, else 10^4 (on a busy
#: 2-core machine 10^5 nodes take ~15 s in the two frameworks)
BIG = 100_000 if os.environ.get("COMPARE_SLOW_TESTS") else 10_000


def test_a_walk_of_a_ten_to_the_five_node_torch_graph_stops_and_torch_survives_teardown():
    """torch crashes freeing a 10^5-node graph whose nodes Python walked: the walk stops early."""
    x = torch.ones(1, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    graph = walk(y, {"x": x})
    assert len(graph.nodes) == WALK_MAX_NODES and graph.omitted == 1
    assert f'"... {WALK_MAX_NODES - 60 + 1}+ more nodes"' in mermaid(graph)  # 60 drawn
    del y, graph  # freeing the graph: a crash here kills the test process
    assert sys.modules["torch"] is torch


def test_a_big_graph_case_runs_and_renders():

    def long_chain(T, x):
        y = x
        for _ in range(BIG):
            y = y + 1.0
        return y

    case = make(
        long_chain,
        inputs={"x": uniform(2)},
        second_order=False,
        finite_differences=False,
    )
    result = run(case, timeout=300)
    assert result.status == PASS, result.failure_message()
    for outcome in (result.detail.candidate, result.detail.reference):
        assert len(outcome.graph.nodes) == WALK_MAX_NODES and outcome.graph.omitted == 1
    assert "more nodes" in mermaid(result.detail.candidate.graph)
