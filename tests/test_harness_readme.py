"""The README's add-a-case snippet works exactly as printed, and its CLI claims hold."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from compare import cli, registry  # noqa: E402
from compare.results import STATUSES  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def snippet(heading: str, fence: str) -> str:
    section = README.split(heading, 1)[1]
    return section.split(f"```{fence}\n", 1)[1].split("```", 1)[0]


def test_the_add_a_case_snippet_runs_as_printed(monkeypatch, tmp_path, capsys):
    from compare import cases

    (tmp_path / "zz_readme_example.py").write_text(snippet("### Adding a case", "python"))
    registry.all_cases()  # the real modules are imported (and registered) once, before
    monkeypatch.setattr(cases, "__path__", [*cases.__path__, str(tmp_path)])
    monkeypatch.setattr(registry, "_CASES", dict(registry._CASES))
    monkeypatch.setattr(registry, "_discovered", False)
    monkeypatch.delitem(sys.modules, "compare.cases.zz_readme_example", raising=False)
    out = tmp_path / "out"
    argv = ["--cases", "tag:example", "--out", str(out), "-q", "--no-timing"]
    assert cli.main(argv) == 0, capsys.readouterr().err
    assert "2 pass, 2 expected error, 0 fail" in capsys.readouterr().out
    page = (out / "cases" / "tanh_matvec.md").read_text()
    assert "return T.tanh(x) @ y" in page and "✅ pass" in page
    assert "both raised as expected" in (out / "cases" / "matvec_shape_error.md").read_text()
    assert registry.broken_modules() == []


def test_the_readme_names_every_status():
    section = README.split("## Reading a report", 1)[1].split("### Running", 1)[0]
    for status in STATUSES:
        assert f"**{status}**" in section, status


def test_the_readme_usage_block_is_the_parser():
    usage = snippet("### Running the comparison", "text")
    parser = cli.build_parser()
    for action in parser._actions:
        for flag in action.option_strings:
            if flag.startswith("--") and flag != "--help" and flag not in ("--quiet", "--verbose"):
                assert flag in usage, flag
