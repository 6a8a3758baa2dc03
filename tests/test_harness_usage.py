"""Usage errors are exit 2 in one line before any case runs; pipes, Ctrl-C, broken case modules,
selection and listing; a filtered CLI run keeps the report whole."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from compare import cli, registry, run  # noqa: E402
from compare.bench import cli as bench_cli  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FAST = ["-q", "--no-timing", "--engine", "torch"]


@pytest.fixture
def no_case_runs(monkeypatch):
    """Fail the test if any case runs: usage errors are found before."""

    def refuse(*args, **kwargs):
        raise AssertionError("a case ran")

    monkeypatch.setattr(run, "run_cases", refuse)


def usage_error(capsys, argv) -> str:
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1, err  # one line
    return err


@pytest.mark.usefixtures("no_case_runs")
@pytest.mark.parametrize(
    ("where", "words"),
    [
        ("a file", "is a file, not a folder"),
        ("/proc/x", "cannot write in /proc"),
        ("foreign", "files the harness did not write"),
    ],
)
def test_an_invalid_out_is_exit_2_before_any_case_runs(tmp_path, capsys, where, words):
    if where == "a file":
        out = tmp_path / "summary.md"
        out.write_text("x")
    elif where == "foreign":
        out = tmp_path
        (out / "code.py").write_text("x = 1")
    else:
        out = Path(where)
    err = usage_error(capsys, ["--cases", "sphere", "--out", str(out), *FAST])
    assert words in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_out_is_exit_2(tmp_path, capsys, no_case_runs):
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o555)
    try:
        assert "cannot write in" in usage_error(capsys, ["--out", str(out / "x"), *FAST])
    finally:
        out.chmod(0o755)


@pytest.mark.usefixtures("no_case_runs")
@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--cases", "sphre"], "no case matches 'sphre'. Did you mean: sphere"),
        (["--cases", "tag:boook"], "no case matches 'tag:boook'. Did you mean: tag:book"),
        (["--timeout", "-1"], "--timeout takes seconds >= 0"),
        (["--engine", "no_such_engine"], "cannot import the engine 'no_such_engine'"),
    ],
)
def test_bad_selections_and_options_are_exit_2(tmp_path, capsys, argv, words):
    assert words in usage_error(capsys, [*argv, "--out", str(tmp_path / "r"), "-q"])


def test_a_bad_dtype_is_exit_2(capsys, no_case_runs):
    assert cli.main(["--dtype", "float16"]) == 2
    assert "invalid choice: 'float16'" in capsys.readouterr().err


def test_torch_missing_is_exit_2_for_compare_and_bench(monkeypatch, capsys, no_case_runs):
    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` now fails
    install = 'pip install -c constraints.txt -e ".[compare]"'
    assert install in usage_error(capsys, ["--cases", "sphere", "-q"])
    assert cli.main(["bench", "--quick", "--no-memory"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: the benchmarks need torch") and install in err


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--rounds", "-3"], "--rounds takes a number of rounds >= 1, not -3"),
        (["--only", "nosuch"], "unknown workload(s) ['nosuch']"),
        (["--output", "/proc/x/bench.md"], "not a file that can be written"),
    ],
)
def test_bad_bench_options_are_exit_2(monkeypatch, capsys, argv, words):
    monkeypatch.setattr(bench_cli, "run", lambda *a: pytest.fail("a workload ran"))
    assert cli.main(["bench", *argv]) == 2
    assert words in capsys.readouterr().err
    assert cli.main(["bench", "--rounds", "x"]) == 2  # argparse's own errors too


def test_ctrl_c_leaves_the_report_unchanged_and_exits_130(monkeypatch, tmp_path, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(run, "run_cases", interrupted)
    out = tmp_path / "r"
    assert cli.main(["--cases", "sphere", "--out", str(out), *FAST]) == 130
    assert capsys.readouterr().err.strip() == f"interrupted; {out} unchanged"
    assert not out.exists()


def test_a_closed_pipe_ends_quietly():
    listing = subprocess.run(
        f"{sys.executable} -m compare --list | head -1",
        shell=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert listing.stderr == "" and listing.stdout.count("\n") == 1


# --- a broken case module -------------------------------------------------------------------


def test_a_case_module_that_fails_to_import_is_named_with_its_line(
    monkeypatch, tmp_path, capsys, no_case_runs
):
    from compare import cases

    (tmp_path / "zz_broken.py").write_text("from compare.function_case import case\n\n1 / 0\n")
    registry.all_cases()  # the real modules are imported (and registered) once, before
    monkeypatch.setattr(cases, "__path__", [*cases.__path__, str(tmp_path)])
    monkeypatch.setattr(registry, "_discovered", False)
    monkeypatch.setattr(registry, "_BROKEN", [])
    monkeypatch.delitem(sys.modules, "compare.cases.zz_broken", raising=False)
    assert cli.main(["--cases", "sphere", "--out", str(tmp_path / "r"), *FAST]) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / 'zz_broken.py'}:3: cannot import compare.cases.zz_broken" in err
    assert "ZeroDivisionError: division by zero" in err
    assert cli.main(["--list"]) == 2  # the others are still listed
    listed = capsys.readouterr()
    assert "sphere\tbook" in listed.out and "zz_broken.py:3" in listed.err


def test_a_syntax_error_in_a_case_module_is_named_with_its_line(monkeypatch, tmp_path):
    from compare import cases

    (tmp_path / "zz_syntax.py").write_text("x = 1\ndef broken(:\n")
    registry.all_cases()  # the real modules are imported (and registered) once, before
    monkeypatch.setattr(cases, "__path__", [*cases.__path__, str(tmp_path)])
    monkeypatch.setattr(registry, "_discovered", False)
    monkeypatch.setattr(registry, "_BROKEN", [])
    (broken,) = registry.broken_modules()
    assert broken.line == 2 and broken.file.endswith("zz_syntax.py")
    assert "SyntaxError" in broken.error


# --- selecting and listing ------------------------------------------------------------------


def test_an_exact_name_selects_exactly_that_case(capsys):
    assert cli.main(["--list", "--cases", "exp"]) == 0
    assert capsys.readouterr().out.splitlines() == ["exp\tbook,seed"]
    assert cli.main(["--list", "--cases", "*exp*"]) == 0
    assert len(capsys.readouterr().out.splitlines()) > 1  # a glob still finds them all


def test_list_tags_counts_the_cases_of_each_tag(capsys):
    assert cli.main(["--list-tags"]) == 0
    counts = dict(line.split("\t") for line in capsys.readouterr().out.splitlines())
    assert counts["book"] == str(sum("book" in c.tags for c in registry.all_cases()))
    assert counts["error"] == "1"


def test_a_filtered_cli_run_keeps_the_report_whole(tmp_path, capsys):
    out = str(tmp_path / "reports")
    assert cli.main(["--cases", "tag:seed", "--out", out, *FAST]) == 0
    before = {p.name: p.read_text() for p in (tmp_path / "reports" / "cases").iterdir()}
    assert cli.main(["--cases", "exp", "--dtype", "float64", "--out", out, *FAST]) == 0
    after = {p.name: p.read_text() for p in (tmp_path / "reports" / "cases").iterdir()}
    assert after.keys() == before.keys()
    assert all(after[n] == before[n] for n in after if n != "exp.md")
    assert "float32: not run this time" in after["exp.md"]
    summary = (tmp_path / "reports" / "summary.md").read_text()
    seeds = sum("seed" in c.tags for c in registry.all_cases())
    assert f"**{seeds} cases × 2 dtypes = {2 * seeds} runs: ✅ pass {2 * seeds}**" in summary
    assert f"This run produced 1 of these {2 * seeds} rows" in summary
    capsys.readouterr()
    err = usage_error(capsys, ["--cases", "exp", "--seed", "3", "--out", out, *FAST])
    assert "made with other settings (seed 0 there, 3 now)" in err
