"""The README tells the truth: its tour runs, and its set-up commands are the ones CI runs."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _block_after(heading: str, lang: str) -> str:
    section = README.split(heading, 1)[1]
    return re.search(rf"```{lang}\n(.*?)```", section, re.S).group(1)


def test_the_tour_runs_and_gives_the_values_its_comments_claim():
    scope: dict = {}
    exec(compile(_block_after("## A 30-second tour", "python"), "README tour", "exec"), scope)
    assert scope["g"].item() == 24.0 and scope["g2"].item() == 44.0
    assert type(scope["fn"]).__name__ == "AccumulateGrad"
    assert abs(scope["x"].item() - (2.0 - 0.1 * 24.0)) < 1e-6


def test_ci_runs_the_readmes_test_command():
    commands = _block_after("## Set-up: two commands", "bash").strip().splitlines()
    test_command = next(c for c in commands if c.endswith("python -m pytest"))
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()
    assert any(c.endswith("python -m compare") for c in commands)
