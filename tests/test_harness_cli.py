"""The CLI and the reports: exit codes, messages, atomic writing, determinism, a broken engine."""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

import mini_autograd  # noqa: E402
from compare import cli  # noqa: E402
from compare.report import summary  # noqa: E402

FAST = ["-q", "--no-timing"]


def run(tmp_path: Path, *argv: str) -> int:
    return cli.main([*argv, "--out", str(tmp_path), *FAST])


def summary_rows(out: Path, case: str) -> dict[str, list[str]]:
    """The summary table's cells for one case, by dtype."""
    rows = {}
    for line in (out / "summary.md").read_text().splitlines():
        if line.startswith(f"| [{case}](cases/{case}.md) "):
            cells = [c.strip() for c in line.strip("|").split("|")]
            rows[cells[1]] = cells
    return rows


# --- exit codes and messages ----------------------------------------------------------------


def test_list_prints_names_one_a_line(capsys):
    assert cli.main(["--list", "--cases", "sphere,matyas"]) == 0
    assert capsys.readouterr().out.splitlines() == ["sphere\tbook", "matyas\tbook"]


def test_unknown_case_is_a_usage_error_with_suggestions(capsys, tmp_path):
    assert run(tmp_path, "--cases", "sphre") == 2
    err = capsys.readouterr().err
    assert "no case matches 'sphre'" in err and "Did you mean: sphere" in err
    assert not (tmp_path / "summary.md").exists()


def test_bad_option_is_a_usage_error_and_help_is_not(capsys):
    assert cli.main(["--dtype", "float16"]) == 2
    assert cli.main(["--help"]) == 0
    assert "--no-second-order" in capsys.readouterr().out


def test_missing_torch_names_the_install_command(monkeypatch, capsys, tmp_path):
    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` now fails
    assert run(tmp_path, "--cases", "sphere") == 2
    assert 'pip install -c constraints.txt -e ".[compare]"' in capsys.readouterr().err


def test_subcommands_dispatch_to_their_module(monkeypatch, capsys):
    seen = []
    fake = types.ModuleType("fake_bench")
    fake.main = lambda argv: seen.append(argv) or 0
    monkeypatch.setitem(sys.modules, "fake_bench", fake)
    monkeypatch.setattr(cli, "SUBCOMMANDS", {"bench": "fake_bench", "gone": "no_such_module"})
    assert cli.main(["bench", "--quick"]) == 0 and seen == [["--quick"]]
    assert cli.main(["gone"]) == 2
    assert "not available yet" in capsys.readouterr().err


def test_exit_status_is_0_when_every_case_agrees(tmp_path, capsys):
    assert run(tmp_path, "--cases", "book", "--engine", "torch") == 0
    assert "36 pass, 0 fail (" in capsys.readouterr().out


# --- report writing -------------------------------------------------------------------------


def test_reports_are_written_whole_or_not_at_all(tmp_path, monkeypatch):
    assert run(tmp_path, "--cases", "sphere", "--engine", "torch") == 0
    (tmp_path / "bench.md").write_text("someone else's report")
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(summary, "render", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        run(tmp_path, "--cases", "matyas", "--engine", "torch")
    after = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert after == before  # old reports intact, nothing half-written, no temporary folder left
    assert not list(tmp_path.glob(".tmp*"))


def test_reports_are_reproducible_but_for_the_date(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        assert run(out, "--cases", "tensor,book", "--engine", "torch") == 0

    def files(root: Path) -> dict[str, str]:
        return {str(p.relative_to(root)): p.read_text() for p in root.rglob("*") if p.is_file()}

    a, b = files(first), files(second)
    assert a.keys() == b.keys() and "cases/sphere.md" in a and "results.csv" in a
    undated = re.compile(r'^\| date \|.*$|"date": ".*"', re.M)
    for name in a:
        assert undated.sub("", a[name]) == undated.sub("", b[name]), name


def test_summary_links_every_case_page_and_pages_render_mermaid(tmp_path):
    assert run(tmp_path, "--cases", "book", "--engine", "torch") == 0
    text = (tmp_path / "summary.md").read_text()
    links = re.findall(r"\]\((cases/[\w]+\.md)\)", text)
    assert links and all((tmp_path / link).exists() for link in links)
    page = (tmp_path / "cases" / "sphere.md").read_text()
    assert "```mermaid\nflowchart TD" in page and "[← summary](../summary.md)" in page


# --- a broken engine is caught --------------------------------------------------------------


def torch_with(**overrides) -> types.ModuleType:
    """torch with some names replaced: a stand-in for a buggy engine."""
    module = types.ModuleType("broken_torch")
    module.__dict__.update(overrides)
    module.__getattr__ = lambda name: getattr(torch, name)
    return module


class TanhWrongGradient(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        y = torch.tanh(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, gy):
        (y,) = ctx.saved_tensors
        return gy * (1 - y * y) * 1.01


@pytest.mark.parametrize(
    ("broken", "value_ok"),
    [
        pytest.param(lambda x: torch.tanh(x) * 1.001, False, id="value"),
        pytest.param(TanhWrongGradient.apply, True, id="gradient"),
    ],
)
def test_a_broken_candidate_fails_exactly_the_affected_cases(
    monkeypatch, tmp_path, broken, value_ok
):
    monkeypatch.setitem(sys.modules, "broken_torch", torch_with(tanh=broken))
    assert run(tmp_path, "--cases", "tanh,sphere", "--engine", "broken_torch") == 1
    for dtype, cells in summary_rows(tmp_path, "tanh").items():
        assert cells[2] == "❌ fail", dtype
        assert cells[3].startswith("❌") != value_ok and cells[4].startswith("❌")
    assert all(c[2] == "✅ pass" for c in summary_rows(tmp_path, "sphere").values())


ENGINE = pytest.mark.skipif(
    not hasattr(mini_autograd, "tensor"), reason="the mini_autograd engine is not there yet"
)


@ENGINE
@pytest.mark.parametrize("part", ["forward", "backward"])
def test_breaking_an_op_of_mini_autograd_is_caught(monkeypatch, tmp_path, part):
    """Break tanh's value, then separately only its gradient: the tanh cases fail, exit 1."""
    x = mini_autograd.tensor(1.0, requires_grad=True)
    tanh = type(mini_autograd.tanh(x).grad_fn)
    original = getattr(tanh, part)
    if part == "forward":
        monkeypatch.setattr(tanh, "forward", lambda self, x: original(self, x) * 1.001)
    else:
        monkeypatch.setattr(tanh, "backward", lambda self, gy, x: original(self, gy, x) * 1.01)
    assert run(tmp_path, "--cases", "tanh,sphere") == 1
    for dtype, cells in summary_rows(tmp_path, "tanh").items():
        assert cells[2] == "❌ fail", dtype
        assert cells[3].startswith("❌") == (part == "forward") and cells[4].startswith("❌")
    assert all(c[2] == "✅ pass" for c in summary_rows(tmp_path, "sphere").values())
    assert "Mismatched elements" in (tmp_path / "cases" / "tanh.md").read_text()
