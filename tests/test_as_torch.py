"""Unmodified torch scripts on mini_autograd: `python -m mini_autograd SCRIPT` and
`install_as_torch()`, which make every `import torch...` resolve to mini_autograd's modules."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import mini_autograd

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "tests" / "scripts"

# runs a script as `python -m mini_autograd` does, then reports which modules `torch...` named
DRIVER = """
import sys
from mini_autograd.__main__ import main
code = main(sys.argv[1:])
import torch, mini_autograd
names = {n: m.__name__ for n, m in sys.modules.items() if n == "torch" or n.startswith("torch.")}
assert torch is mini_autograd, torch
bad = {n: m for n, m in names.items() if not m.startswith("mini_autograd")}
assert not bad, f"real torch modules loaded: {bad}"
print("TORCH-MODULES", sorted(names))
sys.exit(code)
"""


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def run_script(name: str, *args: str) -> str:
    proc = run("-c", DRIVER, str(SCRIPTS / name), *args)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_autograd_tutorial_runs_unmodified():
    out = run_script("autograd_basics.py")
    assert "Gradient function for z = <AddBackward0 object" in out
    assert "Gradient function for loss = <BinaryCrossEntropyWithLogitsBackward0 object" in out
    lines = out.splitlines()
    # z.requires_grad, then under no_grad, then detached
    flags = [ln for ln in lines if ln in ("True", "False")]
    assert flags == ["True", "False", "False"]
    # d/d inp of sum((inp + 1)^2) is 2 (inp + 1): 4 on eye(4, 5)'s diagonal, 2 elsewhere;
    # the second call accumulates to twice that, and after zero_() it is back to once
    first = out.split("First call\n")[1].split("\n\n")[0]
    second = out.split("Second call\n")[1].split("\n\n")[0]
    zeroed = out.split("Call after zeroing gradients\n")[1].split("TORCH-MODULES")[0]
    assert first.startswith("tensor([[4., 2., 2., 2., 2.],") and "[2., 2., 2., 4., 2.]])" in first
    assert second.startswith("tensor([[8., 4., 4., 4., 4.],")
    assert zeroed.strip() == first.strip()


def test_build_the_network_tutorial_runs_unmodified():
    out = run_script("build_the_network.py")
    assert out.startswith("Using cpu device\nNeuralNetwork(")
    assert "(4): Linear(in_features=512, out_features=10, bias=True)" in out
    assert "Predicted class: tensor([" in out
    assert "Size([3, 784])" in out and "Size([3, 20])" in out
    layers = [ln for ln in out.splitlines() if ln.startswith("Layer: ")]
    assert [ln.split(" | ")[0] for ln in layers] == [
        f"Layer: linear_relu_stack.{i}.{p}" for i in (0, 2, 4) for p in ("weight", "bias")
    ]
    # the tutorial prints the first two rows of each parameter: after ReLU nothing is negative
    after = out.split("After ReLU: ")[1].split("Model structure")[0].split("grad_fn")[0]
    # no negative number (a '-' that starts one, not an exponent's: 3.7141e-01)
    assert re.search(r"(?<![e\d])-\d", after) is None, after
    assert re.search(r"\d", after)


def test_linear_regression_script_fits_the_line():
    out = run_script("linear_regression.py")
    # y = 3x - 0.5 plus a 0.01 wiggle: least squares lands on the line to three decimals
    assert out.startswith("weight 3.000  bias -0.500"), out


def test_spiral_script_learns():
    out = run_script("train_spiral.py", "120")
    lines = [ln for ln in out.splitlines() if ln.startswith("epoch")]
    assert len(lines) == 4
    losses = [float(ln.split()[3]) for ln in lines]
    accuracy = float(lines[-1].split()[-1].rstrip("%"))
    assert losses == sorted(losses, reverse=True) and accuracy > 80, out


def test_the_command_line_passes_arguments_and_exit_status(tmp_path):
    script = tmp_path / "prog.py"
    script.write_text(
        "import sys\nimport torch\nimport torch.nn.functional as F\n"
        "print(sys.argv[1:], torch.__name__, F.__name__, F.relu(torch.tensor([-1.0, 2.0])))\n"
        "sys.exit(3)\n"
    )
    proc = run("-m", "mini_autograd", str(script), "a", "--b")
    assert proc.returncode == 3, proc.stderr
    assert proc.stdout.strip() == (
        "['a', '--b'] mini_autograd mini_autograd.nn.functional tensor([0., 2.])"
    )


def test_a_module_mini_autograd_lacks_says_so(tmp_path):
    script = tmp_path / "fft.py"
    script.write_text("import torch\nimport torch.fft\n")
    proc = run("-m", "mini_autograd", str(script))
    assert proc.returncode == 1
    assert "ModuleNotFoundError: torch.fft is not provided by mini_autograd" in proc.stderr


def test_missing_script_is_a_usage_error(capsys):
    from mini_autograd.__main__ import main

    assert main(["no/such/script.py"]) == 2
    assert "can't open file 'no/such/script.py'" in capsys.readouterr().err


def test_install_as_torch_in_process_and_back():
    import torch as real

    mini_autograd.install_as_torch()
    try:
        import torch
        import torch.nn as nn
        from torch import optim
        from torch.nn import functional as F

        assert torch is mini_autograd and nn is mini_autograd.nn
        assert optim is mini_autograd.optim and F is mini_autograd.nn.functional
        with pytest.raises(ModuleNotFoundError, match="torch.fft is not provided by mini_autograd"):
            import torch.fft  # noqa: F401
        mini_autograd.install_as_torch()  # idempotent
    finally:
        mini_autograd.uninstall_as_torch()
    import torch

    assert torch is real and torch.nn.Module is real.nn.Module
