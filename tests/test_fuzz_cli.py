"""`python -m compare fuzz`: the report files, the exit status and usage errors."""

from __future__ import annotations

import runpy
import sys

import pytest

pytest.importorskip("torch")

from compare.fuzz.cli import main  # noqa: E402


def test_fuzz_writes_summary_and_pages_and_exits_by_culprit(tmp_path, capsys):
    keep = tmp_path / "cases" / "notes.md"
    keep.parent.mkdir()
    keep.write_text("mine")
    status = main(["--n", "6", "--seed", "3", "--out", str(tmp_path), "-q", "--max-ops", "6"])
    summary = (tmp_path / "fuzz.md").read_text()
    assert "6 random programs" in summary and "## Coverage by op family" in summary
    assert "python -m compare fuzz --n 6 --seed 3" in summary
    pages = sorted(p.name for p in (tmp_path / "cases").glob("fuzz_3_*.md"))
    line = capsys.readouterr().out
    assert line.startswith("6 programs, ")
    if status == 1:  # a mismatch that is the engine's fault: it has a page with a @case
        assert pages and "❌ mini_autograd" in summary
        page = (tmp_path / "cases" / pages[0]).read_text()
        assert "@case(inputs={" in page and "## Who is right" in page
    else:
        assert status == 0 and "none of them is mini_autograd's fault" in summary
    assert keep.read_text() == "mine"  # files the fuzzer did not write are left alone
    assert not list(tmp_path.glob(".*")) and not list((tmp_path / "cases").glob(".*"))


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--ops", "unary,nope"], "unknown op families nope"),
        (["--n", "0"], "--n must be at least 1"),
        (["--time", "-1"], "--time must be positive"),
        (["--engine", "no_such_engine"], "cannot import the engine"),
        (["--max-ops", "99"], "--max-ops is at most 40"),
    ],
)
def test_usage_errors_exit_2(argv, message, capsys):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_dispatched_from_python_m_compare(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["compare", "fuzz", "--ops", "nope"])
    sys.modules.pop("compare.__main__", None)
    with pytest.raises(SystemExit) as exit_:
        runpy.run_module("compare", run_name="__main__")
    assert exit_.value.code == 2
    assert "unknown op families nope" in capsys.readouterr().err
