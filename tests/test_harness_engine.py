"""`--engine MODULE` needs only the protocol of compare/ENGINES.md: a numpy engine that has
nothing else (tests/numpy_engine.py) runs through the harness, and its bugs are caught."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

import numpy_engine  # noqa: E402

from compare import cli  # noqa: E402

CASES = "sphere,matyas,goldstein_price,rosenbrock,quartic,tanh,exp,sigmoid,tanh_sigmoid"
RUN = ["--cases", CASES, "--engine", "numpy_engine", "-q", "--no-timing"]


def test_a_numpy_engine_with_only_the_protocol_runs_the_harness(tmp_path, capsys):
    assert cli.main([*RUN, "--out", str(tmp_path)]) == 0
    assert "18 pass, 0 fail" in capsys.readouterr().out
    page = (tmp_path / "cases" / "tanh.md").read_text()
    assert "numpy_engine recorded no graph, so this is torch's" in page
    assert "| 2nd order x " in page  # second order through create_graph=True


def test_a_bug_in_the_numpy_engine_is_caught(monkeypatch, tmp_path):
    def tanh(a):  # the derivative off by 1%
        return numpy_engine._op(
            numpy_engine.np.tanh(a.data), (a,), lambda g: (g * 1.01 * (1.0 - tanh(a) * tanh(a)),)
        )

    monkeypatch.setattr(numpy_engine, "tanh", tanh)
    assert cli.main([*RUN, "--out", str(tmp_path)]) == 1
    summary = (tmp_path / "summary.md").read_text()
    rows = [line for line in summary.splitlines() if line.startswith("| [")]
    failed = {line.split("]")[0][3:] for line in rows if "❌ fail" in line}
    assert failed == {"tanh", "tanh_sigmoid"}
