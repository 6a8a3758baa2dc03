"""DeZero's steps 49-54 and 59-60 written as plain torch scripts (tests/scripts/dezero/) run
unchanged in torch and in mini_autograd (as `python -m mini_autograd` runs them), and print the
same: text equal, numbers (losses, accuracies) to a tolerance. Both frameworks start from the same
numpy-seeded weights and see the same batches (numpy-shuffled samplers)."""

from __future__ import annotations

import contextlib
import inspect
import io
import json
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
STEPS = ROOT / "tests" / "scripts" / "dezero"
SCRIPTS = ["step49", "step50", "step51", "step52", "step53", "step54", "step59", "step60"]


def run_all(folder: str, names: list[str]) -> dict[str, str]:
    """Each script as __main__ with its own argv, its stdout captured."""
    sys.path.insert(0, folder)
    argv, out = sys.argv, {}
    try:
        for name in names:
            sys.argv = [f"{folder}/{name}.py"]
            buf = io.StringIO()
            with contextlib.redirect_stdout(buf):
                runpy.run_path(sys.argv[0], run_name="__main__")
            out[name] = buf.getvalue()
    finally:
        sys.argv = argv
        sys.path.remove(folder)
        sys.modules.pop("common", None)
    return out


# the mini_autograd run: a fresh process in which every `import torch...` resolves to mini_autograd
DRIVER = (
    """
import contextlib, io, json, runpy, sys
from mini_autograd._as_torch import install_as_torch
install_as_torch()
"""
    + inspect.getsource(run_all)
    + """
out = run_all(sys.argv[1], sys.argv[2:])
import torch
bad = [n for n, m in sys.modules.items() if n.split(".")[0] == "torch"
       and not m.__name__.startswith("mini_autograd")]
assert not bad and torch.__name__ == "mini_autograd", bad
print(json.dumps(out))
"""
)

NUMBER = re.compile(r"-?\d+\.\d+(?:e[-+]?\d+)?")


@pytest.fixture(scope="module")
def outputs() -> dict[str, dict[str, str]]:
    """{'torch': {step: stdout}, 'mini': {...}}: mini_autograd's run in a subprocess while torch's
    runs here (its import is already paid)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(STEPS), *SCRIPTS],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert torch.__name__ == "torch"
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the machine is shared; these small ops gain nothing from more
    try:
        theirs = run_all(str(STEPS), SCRIPTS)
    finally:
        torch.set_num_threads(threads)
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr
    return {"torch": theirs, "mini": json.loads(stdout.strip().splitlines()[-1])}


def assert_same_output(ours: str, theirs: str) -> None:
    """Line by line: the words equal, every decimal number within 1e-3 relative (or 1e-4)."""
    a, b = ours.splitlines(), theirs.splitlines()
    assert len(a) == len(b), f"{len(a)} lines vs torch's {len(b)}:\n{ours}\n---\n{theirs}"
    for ln_a, ln_b in zip(a, b):
        assert NUMBER.sub("#", ln_a) == NUMBER.sub("#", ln_b), (ln_a, ln_b)
        for x, y in zip(NUMBER.findall(ln_a), NUMBER.findall(ln_b)):
            assert float(x) == pytest.approx(float(y), rel=1e-3, abs=1e-4), (ln_a, ln_b)


def numbers(text: str, prefix: str, index: int = 0) -> list[float]:
    return [float(NUMBER.findall(ln)[index]) for ln in text.splitlines() if ln.startswith(prefix)]


@pytest.mark.parametrize("step", SCRIPTS)
def test_the_step_prints_what_torch_prints(outputs, step):
    assert outputs["mini"][step].strip(), "printed nothing"
    assert_same_output(outputs["mini"][step], outputs["torch"][step])


def test_the_steps_actually_learn(outputs):
    out = outputs["mini"]
    spiral = numbers(out["step49"], "epoch")
    assert len(spiral) == 30 and spiral[-1] < 0.8 * spiral[0]
    train_acc = numbers(out["step50"], "train loss", 1)
    assert train_acc[-1] > train_acc[0] + 0.15
    assert numbers(out["step51"], "test accuracy")[-1] > 0.9
    assert out["step51"].startswith("ndarray (784,) float32 ")
    for step in ("step59", "step60"):
        losses = numbers(out[step], "| epoch")
        assert len(losses) == 3 and losses[-1] < losses[0], out[step]


def test_device_checkpoint_and_dropout_facts(outputs):
    out = outputs["mini"]
    assert out["step52"].startswith("device: cpu cpu\nparameters on {'cpu'}\n")
    assert "weights file exists: False" in out["step53"]
    assert "<All keys matched successfully>\nsame weights after load: True" in out["step53"]
    assert (
        "train mode: values [0.0, 2.0] kept about 0.5\ntest mode: unchanged True" in out["step54"]
    )
    assert "eval mode is deterministic: True" in out["step54"]
    assert "train mode differs between calls: True" in out["step54"]
