"""The benchmark machinery on tiny sizes: structure only (speed goals live in the bench itself)."""

from __future__ import annotations

import types

import numpy as np
import pytest

import mini_autograd as ma
from compare.atomic import write_atomic
from compare.bench import main, memory
from compare.bench.runner import FLOOR, MINI, TORCH, Options, run_workload
from compare.bench.timing import interleave
from compare.bench.workloads import WORKLOADS

torch = pytest.importorskip("torch")


def test_quick_run_writes_the_report(tmp_path):
    out = tmp_path / "bench.md"
    assert main(["--quick", "--no-memory", "--rounds", "1", "--output", str(out)]) == 0
    text = out.read_text()
    for heading in ("## Time per step", "## Against the numpy floor", "## Workloads", "## Method"):
        assert heading in text
    assert "| torch threads |" in text  # the harness's environment header
    for name in WORKLOADS:
        assert f"| {name} |" in text
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left behind


def test_a_workload_times_every_participant():
    result = run_workload(
        WORKLOADS["elementwise"],
        {TORCH: torch, MINI: ma},
        Options(quick=True, rounds=2, min_batch=0.001, memory=False),
    )
    assert result.errors == {}
    assert set(result.timing.median) == {TORCH, MINI, FLOOR}
    assert all(len(times) == 2 for times in result.timing.rounds.values())
    assert result.timing.ratio(MINI, TORCH) > 0


def test_a_missing_op_is_reported_not_raised():
    empty = types.ModuleType("empty_framework")
    result = run_workload(
        WORKLOADS["mlp_step"],
        {TORCH: torch, MINI: empty},
        Options(quick=True, rounds=1, min_batch=0.001, memory=False),
    )
    assert result.errors[MINI].startswith("not available yet: AttributeError")
    assert set(result.timing.median) == {TORCH}


def test_interleave_alternates_the_order():
    calls = []
    steps = {"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}
    timing = interleave(steps, rounds=3, number=2, warm_up=False)
    assert calls == ["a", "a", "b", "b", "b", "b", "a", "a", "a", "a", "b", "b"]
    assert timing.round_count == 3 and timing.number == 2


def test_the_numpy_floor_computes_the_engines_gradient():
    n = WORKLOADS["elementwise"].quick["n"]
    floor_grad = WORKLOADS["elementwise"].floor(n=n)()
    engine_grad = WORKLOADS["elementwise"].build(ma, n=n)()
    np.testing.assert_allclose(engine_grad.numpy(), floor_grad, rtol=1e-12)


def test_memory_probe_measures_a_fresh_process():
    peak = memory.measure("scalar_exp", MINI, quick=True, steps=1)
    assert peak.error == "" and peak.kib is not None and peak.kib >= 0
    assert memory.measure("scalar_exp", memory.NUMPY, quick=True).error == "no numpy floor"


def test_write_atomic_replaces_the_file(tmp_path):
    path = tmp_path / "sub" / "report.md"
    write_atomic(path, "old")
    write_atomic(path, "new")
    assert path.read_text() == "new" and len(list(path.parent.iterdir())) == 1


def test_an_unknown_workload_is_a_usage_error(capsys):
    assert main(["--only", "no_such_workload", "--no-memory"]) == 2
    assert "no_such_workload" in capsys.readouterr().err


def test_chain_scaling_sweep_measures_per_node_cost_and_its_growth():
    from compare.bench.scaling import QUICK_LENGTHS, run_sweep
    from compare.bench.scaling import render as render_sweep

    sweep = run_sweep({MINI: ma, TORCH: torch}, quick=True)
    assert sorted(sweep.per_node[MINI]) == sorted(QUICK_LENGTHS)
    for n in QUICK_LENGTHS:
        fwd, bwd = sweep.per_node[MINI][n]
        assert fwd > 0 and bwd > 0
    big, small = sweep.compared
    assert sweep.growth(MINI) == pytest.approx(
        sweep.per_node[MINI][big][0] / sweep.per_node[MINI][small][0]
    )
    text = render_sweep(sweep, [MINI, TORCH], MINI)
    assert f"| {QUICK_LENGTHS[-1]:,} |" in text and "goal ≤ 1.2" in text


def test_tiny_mlp_step_trains_the_same_in_both_frameworks():
    losses = {}
    for name, T in ((MINI, ma), (TORCH, torch)):
        step = WORKLOADS["tiny_mlp"].build(T, batch=4)
        losses[name] = [step().item() for _ in range(5)]
    np.testing.assert_allclose(losses[MINI], losses[TORCH], rtol=1e-5)
    assert losses[MINI][-1] < losses[MINI][0]  # SGD steps lower the loss
