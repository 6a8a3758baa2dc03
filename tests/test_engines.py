"""Engine adapters: each drives its engine through the harness with known, honest outcomes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from compare import registry
from compare.cli import main as compare_main
from compare.engines import EngineError, adapter_of, load
from compare.engines.cli import main as engines_main
from compare.function_case import FunctionCase
from compare.inputs import uniform
from compare.registry import RunContext
from compare.run import run_case

ROOT = Path(__file__).resolve().parent.parent
STEP09 = ROOT / "examples" / "engines" / "step09_adapter.py"

registry.discover()


def run(engine, name: str, dtype: str):
    """One case in one dtype against torch, as the CLI runs it."""
    second = adapter_of(engine) is None or adapter_of(engine).second_order
    return run_case(registry.get(name), RunContext(engine, torch, dtype, 0, second, False))


def statuses(engine, name: str) -> dict[str, str]:
    return {dt: run(engine, name, dt).status for dt in ("float32", "float64")}


# --- DeZero ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dezero():
    pytest.importorskip("matplotlib")  # dezero imports it at import time
    return load("dezero")


def test_dezero_agrees_where_it_computes_in_the_dtype(dezero):
    assert statuses(dezero, "exp") == {"float32": "pass", "float64": "pass"}
    # x**2 + y**2 through DeZero's own double backprop: second order included
    result = run(dezero, "sphere", "float64")
    assert result.status == "pass"
    assert any(c.quantity.startswith("2nd order") and c.ok for c in result.checks)


def test_dezero_float64_promotion_is_reported_as_its_dtype_failure(dezero):
    result = run(dezero, "sigmoid", "float32")
    assert result.status == "fail"
    assert "float64 != float32" in result.failure_message()
    assert run(dezero, "sigmoid", "float64").status == "pass"


def test_dezero_lacks_mean_so_the_row_is_missing_with_the_name(dezero):
    result = run(dezero, "linear_regression", "float64")
    assert result.status == "missing"
    assert any("mean" in m for m in result.missing)


def test_dezero_graph_is_its_own_creator_chain(dezero):
    result = run(dezero, "tanh_sigmoid", "float64")
    labels = [label for label, _ in result.detail.candidate.graph.nodes]
    assert "Sigmoid" in labels and "Tanh" in labels and "Mul" in labels


# --- tinygrad --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tinygrad():
    pytest.importorskip("tinygrad")
    return load("tinygrad")


def test_tinygrad_two_equal_scalar_inputs_stay_two_leaves(tinygrad):
    # sphere at (1, 1): equal 0-d inputs, which tinygrad would fold into one constant node
    result = run(tinygrad, "sphere", "float64")
    assert result.status == "pass", result.failure_message()
    np.testing.assert_array_equal(result.detail.candidate.grads["x"], 2.0)


def test_tinygrad_second_order_and_no_backward_graph(tinygrad):
    result = run(tinygrad, "sin_cos", "float32")
    assert result.status == "pass", result.failure_message()
    assert any(c.quantity.startswith("2nd order") and c.ok for c in result.checks)
    assert result.detail.candidate.graph is None
    assert "not a backward graph" in adapter_of(tinygrad).graph


def test_tinygrad_gradient_folded_to_a_constant_reads_back(tinygrad):
    """d(x * 0.9 + x)/dx folds to a device-less constant, which tinygrad would realize on its
    clang-compiled CPU device: the adapter reads it on its own device."""
    x = tinygrad.tensor(np.array(0.5), dtype=tinygrad.float64, requires_grad=True)
    (x * 0.9 + x).backward()
    assert x.grad.detach().numpy() == pytest.approx(1.9)


# --- micrograd -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def micrograd():
    pytest.importorskip("micrograd")
    return load("micrograd")


def test_micrograd_scalars_in_float64_only(micrograd):
    assert statuses(micrograd, "sphere") == {"float32": "not applicable", "float64": "pass"}
    assert "float64 only" in run(micrograd, "sphere", "float32").notes[0]


def test_micrograd_lacks_tanh_and_big_inputs_are_not_applicable(micrograd):
    assert run(micrograd, "tanh", "float64").status == "missing"
    big = FunctionCase(lambda T, x: (x * x).sum(), "big_square_sum", {"x": uniform(10, 10)})
    result = run_case(big, RunContext(micrograd, torch, "float64", 0, False, False))
    assert result.status == "not applicable"
    assert "100 elements" in result.notes[0]


def test_adapters_skip_training_cases(micrograd):
    result = run(micrograd, "train_spiral_sgd", "float64")
    assert result.status == "not applicable"
    assert "function cases only" in result.notes[0]


# --- a user's own engine ---------------------------------------------------------------------


def test_readme_step09_adapter_runs_the_book_cases(tmp_path, capsys):
    code = compare_main(
        ["--engine", str(STEP09), "--cases", "square_exp_square,tanh,sphere", "--out",
         str(tmp_path / "r"), "--no-timing", "-q"]
    )  # fmt: skip
    engine = load(str(STEP09))
    assert statuses(engine, "square_exp_square") == {"float32": "pass", "float64": "pass"}
    assert statuses(engine, "tanh") == {"float32": "pass", "float64": "pass"}
    assert statuses(engine, "sphere") == {"float32": "missing", "float64": "missing"}
    assert code == 1  # sphere is missing: not agreement


def test_a_broken_tanh_derivative_is_caught_and_finite_differences_say_who(monkeypatch):
    engine = load(str(STEP09))
    import step09

    monkeypatch.setattr(step09.Tanh, "backward", lambda self, gy: gy * (1 - self.output.data))
    result = run(engine, "tanh", "float64")
    assert result.status == "fail"
    assert any(c.quantity == "grad x" and not c.ok for c in result.checks)
    (fd,) = result.detail.fd
    assert fd.reference.ok and not fd.candidate.ok  # torch is on the finite differences


def test_bad_engine_specs_are_usage_errors(tmp_path, capsys):
    with pytest.raises(EngineError, match="no engine file"):
        load(str(tmp_path / "nope.py"))
    empty = tmp_path / "empty_adapter.py"
    empty.write_text("x = 1\n")
    with pytest.raises(EngineError, match="exactly one"):
        load(str(empty))
    assert compare_main(["--engine", str(empty), "--cases", "sphere", "--no-timing"]) == 2


# --- the engines page ------------------------------------------------------------------------


def test_engines_page_puts_engines_side_by_side(tmp_path):
    code = engines_main(
        ["--engine", f"mini_autograd,micrograd,{STEP09},no_such_engine", "--cases",
         "sphere,tanh", "--out", str(tmp_path), "-q"]
    )  # fmt: skip
    page = (tmp_path / "engines.md").read_text()
    header = next(line for line in page.splitlines() if line.startswith("| group |"))
    assert header.count("|") == 6 and "`micrograd`" in header and "`no_such_engine`" in header
    book = next(line for line in page.splitlines() if line.startswith("| book |"))
    cells = [c.strip() for c in book.strip("|").split("|")]
    selected, _ = registry.select(["sphere,tanh"])
    selected = [c for c in selected if c.tags[0] == "book"]
    # mini_autograd: every row passes, both dtypes, with the median margin to tolerance
    assert cells[1].startswith(f"✅ {2 * len(selected)} <br>margin ")
    assert float(cells[1].rsplit(" ", 1)[1]) < 1
    assert "✅ 1" in cells[2] and "🚧" in cells[2] and f"➖ {len(selected)}" in cells[2]
    assert "per-op time ÷ torch" in page and "not run" in page
    assert code == 1


def test_readme_shows_the_example_adapter_as_it_is():
    readme = (ROOT / "README.md").read_text()
    assert STEP09.read_text() in readme


def test_a_page_with_a_not_applicable_row_renders(tmp_path, micrograd):
    out = tmp_path / "mg"
    code = compare_main(["--engine", "micrograd", "--cases", "sphere", "--out", str(out), "-q"])
    page = (out / "cases" / "sphere.md").read_text()
    assert "## float32 · ➖ not applicable" in page
    assert "Not run: micrograd computes in float64 only, not float32." in page
    assert "## float64 · ✅ pass" in page
    assert code == 0  # pass and not applicable both count as agreement
