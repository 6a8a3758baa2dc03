"""Training parity: the data, the training cases of the harness, their pages, and the example.

The cases themselves run against mini_autograd in tests/test_parity.py (every registered case);
here the float64 trajectories are also required to agree outright (not merely be "missing").
"""

from __future__ import annotations

import runpy
import types
import xml.dom.minidom
from pathlib import Path

import numpy as np
import pytest
import torch

import mini_autograd
from compare import registry
from compare.registry import RunContext
from compare.report.write import write_reports
from compare.results import MISSING, PASS
from compare.run import run_case
from compare.training import get_sin, get_spiral, spiral, train
from compare.training.svg import Panel, Series, figure

EXAMPLE = Path(__file__).parents[1] / "examples" / "train_spiral.py"
TRAINING = [c for c in registry.all_cases() if c.kind == "training"]


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    """Tiny models: torch's thread pool only adds overhead (and stalls on a busy machine)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _dezero_spiral(train: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """DeZero's get_spiral as the book writes it, loop by loop (on a private legacy generator)."""
    rng = np.random.RandomState(1984 if train else 2020)
    num_data, num_class, input_dim = 100, 3, 2
    x = np.zeros((num_data * num_class, input_dim), dtype=np.float32)
    t = np.zeros(num_data * num_class, dtype=int)
    for j in range(num_class):
        for i in range(num_data):
            rate = i / num_data
            radius = 1.0 * rate
            theta = j * 4.0 + 4.0 * rate + rng.randn() * 0.2
            ix = num_data * j + i
            x[ix] = np.array([radius * np.sin(theta), radius * np.cos(theta)]).flatten()
            t[ix] = j
    indices = rng.permutation(num_data * num_class)
    return x[indices], t[indices]


@pytest.mark.parametrize("train", [True, False])
def test_spiral_is_dezeros(train):
    x, t = get_spiral(train)
    x_ref, t_ref = _dezero_spiral(train)
    np.testing.assert_array_equal(x, x_ref)
    np.testing.assert_array_equal(t, t_ref)
    assert x.dtype == np.float32 and t.dtype == np.int64 and np.bincount(t).tolist() == [100] * 3


def test_sine_regression_data():
    x, y = get_sin()
    assert x.shape == y.shape == (100, 1) and x.min() >= 0 and x.max() < 1
    np.testing.assert_array_equal(get_sin()[1], y)


def test_minibatches_cover_each_epoch_once():
    data = spiral(steps=25)
    assert len(data.batches) == 25 and all(len(xb) == 30 for xb, _ in data.batches)
    epoch = np.concatenate([xb for xb, _ in data.batches[:10]])
    assert sorted(map(tuple, epoch)) == sorted(map(tuple, data.x))
    assert data.cast("float32").batches[0][0].dtype == np.float32
    assert data.cast("float32").batches[0][1].dtype == np.int64


def test_svg_figure_is_valid_xml():
    text = figure(
        [
            Panel(
                "loss",
                [Series("a", [3.0, 2.0, 1.0], "red"), Series("b", [3.0, 2.1, 1.0], "blue", "4 2")],
            ),
            Panel("gap", [Series("gap", [0.0, 1e-16, 1e-12], "black")], log=True),
            Panel("zeros", [Series("gap", [0.0, 0.0], "black")], log=True),
        ]
    )
    svg = xml.dom.minidom.parseString(text).documentElement
    # the two loss curves and the gap's two non-zero steps; zeros go to the "= 0" band
    assert svg.tagName == "svg" and len(svg.getElementsByTagName("polyline")) == 3
    assert "all exactly 0" in text


def test_cases_are_registered_for_each_optimizer():
    optimizers = {c.recipe.optimizer for c in TRAINING}
    assert optimizers == {"SGD", "Adam", "AdamW", "RMSprop", "Adagrad"}
    assert {c.recipe.scheduler for c in TRAINING} >= {"StepLR", "CosineAnnealingLR"}
    assert all("training" in c.tags for c in TRAINING)
    # the optimizer cases run 150 steps, the CNN ones 40; the boilerplate ones (DataLoader, BPTT,
    # checkpoints) run their own loops, shorter
    assert all(c.steps == 150 for c in TRAINING if c.trainer is train and "cnn" not in c.tags)
    assert all(c.steps == 40 for c in TRAINING if "cnn" in c.tags)


def test_harness_against_itself_and_page(tmp_path):
    """torch against torch: every check passes with zero difference, the page links its plots."""
    case = registry.get("train_sine_adam_cosine")
    results = [run_case(case, RunContext(torch, torch, dtype)) for dtype in ("float32", "float64")]
    assert all(r.status == PASS for r in results)
    assert all(c.diff.max_abs == 0 for r in results for c in r.checks)
    assert results[0].accuracy and results[0].timing
    write_reports(tmp_path, [case], results, {"seed": "0"})
    page = (tmp_path / "cases" / f"{case.name}.md").read_text()
    for dtype in ("float32", "float64"):
        assert f"]({case.name}-{dtype}.svg)" in page
        xml.dom.minidom.parse(str(tmp_path / "cases" / f"{case.name}-{dtype}.svg"))
    assert "The loss is bit-identical at all" in page and "learning rate at every step" in page
    assert "<summary>Loss at every step</summary>" in page


def test_a_candidate_without_nn_is_missing_it():
    case = registry.get("train_spiral_sgd")
    fake = types.ModuleType("fake")
    result = run_case(case, RunContext(fake, torch, "float64", timing=False))
    assert result.status == MISSING and result.missing == ["fake.nn"]
    assert "raised AttributeError" in case.page([result])  # the page renders without a run
    assert case.assets([result]) == {}


@pytest.mark.parametrize("case", TRAINING, ids=lambda c: c.name)
def test_float64_trajectory_follows_torch(case):
    result = run_case(case, RunContext(mini_autograd, torch, "float64", timing=False))
    assert result.status == PASS, result.failure_message()
    losses = result.detail.candidate.losses
    assert len(losses) == case.steps and losses[-1] < losses[0]


def test_example_runs_and_learns(capsys):
    runpy.run_path(str(EXAMPLE), run_name="__main__")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 10 and lines[-1].startswith("epoch 300")
    assert float(lines[-1].split("accuracy")[1].strip(" %")) > 90


def test_example_runs_unchanged_in_torch(capsys):
    source = EXAMPLE.read_text()
    line = "\nimport mini_autograd as torch\n"
    assert source.count(line) == 1  # the only line to change
    exec(
        compile(source.replace(line, "\nimport torch\n"), str(EXAMPLE), "exec"),
        {"__name__": "__main__"},
    )
    lines = capsys.readouterr().out.splitlines()
    assert float(lines[-1].split("accuracy")[1].strip(" %")) > 90


def typical_script(T, init):
    """A typical torch training script, written against the namespace T: a Module subclass,
    a loss, Adam with weight decay, StepLR, gradient clipping, eval() under no_grad()."""
    nn, F = T.nn, T.nn.functional

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(4, 32)
            self.drop = nn.Dropout(0.0)  # p=0: the frameworks' random masks would differ
            self.fc2 = nn.Linear(32, 3)

        def forward(self, x):
            return self.fc2(self.drop(F.relu(self.fc1(x))))

    rng = np.random.default_rng(0)
    X = T.tensor(rng.standard_normal((128, 4)), dtype=T.float64)
    y = (X[:, 0] > 0).long() + (X[:, 1] > 0).long()
    model = Net().double()
    model.load_state_dict({k: T.tensor(v) for k, v in init.items()})
    criterion = nn.CrossEntropyLoss()
    optimizer = T.optim.Adam(model.parameters(), lr=1e-2, weight_decay=1e-4)
    scheduler = T.optim.lr_scheduler.StepLR(optimizer, step_size=10, gamma=0.5)
    losses, accuracies = [], []
    for _epoch in range(30):
        model.train()
        for i in range(0, 128, 32):
            optimizer.zero_grad()
            loss = criterion(model(X[i : i + 32]), y[i : i + 32])
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            losses.append(loss.item())
        scheduler.step()
        model.eval()
        with T.no_grad():
            accuracies.append((model(X).argmax(dim=1) == y).float().mean().item())
    return model, losses, accuracies


def test_typical_torch_script_reaches_the_same_losses():
    rng = np.random.default_rng(1)
    shapes = {"fc1.weight": (32, 4), "fc1.bias": (32,), "fc2.weight": (3, 32), "fc2.bias": (3,)}
    init = {k: rng.uniform(-0.5, 0.5, shape) for k, shape in shapes.items()}
    _, losses_t, acc_t = typical_script(torch, init)
    _, losses_m, acc_m = typical_script(mini_autograd, init)
    np.testing.assert_allclose(losses_m, losses_t, rtol=1e-10)
    assert acc_m == acc_t and acc_m[-1] > 0.9
