"""examples/checkpoint.py and examples/train_lstm.py run in both frameworks, and a checkpoint
written by one resumes in the other."""

from __future__ import annotations

import os
import runpy
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).parents[1] / "examples"


def _run(tmp_path, name, torch_version, argv, capsys, monkeypatch):
    source = (EXAMPLES / name).read_text()
    if torch_version:
        source = source.replace("import mini_autograd as torch\n", "import torch\n")
    script = tmp_path / name
    script.write_text(source)
    monkeypatch.setattr("sys.argv", [str(script), *argv])
    monkeypatch.setenv("CHECKPOINT", str(tmp_path / "checkpoint.pt"))
    runpy.run_path(str(script), run_name="__main__")
    return capsys.readouterr().out.splitlines()


@pytest.mark.skipif(not os.environ.get("RUN_SLOW"), reason="two 100-epoch runs; RUN_SLOW=1")
@pytest.mark.parametrize(
    "first_in_torch", [False, True], ids=["ours-then-torch", "torch-then-ours"]
)
def test_checkpoint_resumes_in_the_other_framework(tmp_path, capsys, monkeypatch, first_in_torch):
    saved = _run(tmp_path, "checkpoint.py", first_in_torch, [], capsys, monkeypatch)
    assert saved[0].startswith("epoch  50") and "saved" in saved[0]
    assert os.path.exists(tmp_path / "checkpoint.pt")
    resumed = _run(tmp_path, "checkpoint.py", not first_in_torch, ["--resume"], capsys, monkeypatch)
    loss = saved[0].split("loss ")[1].split()[0]
    assert resumed[0] == f"resumed from {tmp_path / 'checkpoint.pt'} at epoch 50 (loss {loss})"
    assert float(resumed[1].split("accuracy")[1].strip(" %")) > 85


@pytest.mark.skipif(not os.environ.get("RUN_SLOW"), reason="a 20-epoch LSTM run; RUN_SLOW=1")
@pytest.mark.parametrize("torch_version", [False, True], ids=["mini_autograd", "torch"])
def test_train_lstm_example_learns(tmp_path, capsys, monkeypatch, torch_version):
    lines = _run(tmp_path, "train_lstm.py", torch_version, [], capsys, monkeypatch)
    assert lines[1].startswith("epoch  20") and float(lines[1].split("loss")[1]) < 0.01
