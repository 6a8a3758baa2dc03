"""DeZero's stage 5 (steps 55-58: conv output size, im2col conv and pooling, a simple CNN, VGG16)
and its Grad-CAM, style-transfer, GAN and VAE examples, written as plain torch scripts
(tests/scripts/dezero5/), run unchanged by torch and by `python -m mini_autograd`: the printed
text must be the same and the printed numbers agree to float32 rounding."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = sorted((ROOT / "tests" / "scripts" / "dezero5").glob("*.py"))
NUMBER = re.compile(r"-?\d+\.\d+")


def _run(*args: str) -> str:
    # one torch thread: these tensors are tiny, and idle OpenMP threads spinning on a busy
    # machine made torch's side several times slower
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    proc = subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=300, env=env
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_runs_unchanged_as_torch(script: Path) -> None:
    theirs = _run(str(script))
    ours = _run("-m", "mini_autograd", str(script))
    assert NUMBER.sub("#", ours) == NUMBER.sub("#", theirs)  # the same text and shapes
    for mine, ref in zip(NUMBER.findall(ours), NUMBER.findall(theirs), strict=True):
        last_digit = 10.0 ** -len(ref.split(".")[1])  # printed values may round either way
        assert float(mine) == pytest.approx(float(ref), rel=1e-4, abs=1.5 * last_digit), (mine, ref)
    assert len(theirs.splitlines()) >= 5
