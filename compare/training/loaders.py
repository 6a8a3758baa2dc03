"""Training loops that exercise a training script's boilerplate in both frameworks: batches from
`utils.data.DataLoader`, an LSTM trained with truncated BPTT, and a checkpoint that crosses from
one framework to the other with `save`/`load` in the middle of a run."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Mapping
from types import ModuleType
from typing import Any

import numpy as np

from .data import Data, get_spiral
from .loop import Recipe, Trajectory, _numpy, setup

BPTT = 30  # DeZero's bptt_length for the sine curve


def get_sin_curve(num_data: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """DeZero's SinCurve: sin over [0, 2π] with U(-0.05, 0.05) noise; x[t] -> x[t + 1]."""
    rng = np.random.RandomState(0)
    x = np.linspace(0, 2 * np.pi, num_data)
    y = (np.sin(x) + rng.uniform(-0.05, 0.05, size=x.shape)).reshape(-1, 1)
    return y[:-1], y[1:]


def _chunks(x: np.ndarray, y: np.ndarray, size: int, steps: int) -> list[tuple[Any, Any]]:
    """The batches an unshuffled DataLoader(batch_size=size, drop_last=True) gives, epoch after
    epoch."""
    per_epoch = [(x[i : i + size], y[i : i + size]) for i in range(0, len(x) - size + 1, size)]
    return [per_epoch[i % len(per_epoch)] for i in range(steps)]


def sine_sequence(steps: int) -> Data:
    x, y = get_sin_curve()
    return Data(
        "sine curve",
        x,
        y,
        _chunks(x, y, BPTT, steps),
        f"DeZero's SinCurve: 999 noisy points of sin over [0, 2π], predicting the next one; "
        f"chunks of {BPTT} steps in order (truncated BPTT)",
    )


def spiral_in_order(steps: int, batch_size: int = 30) -> Data:
    x, t = get_spiral(train=True)
    x = x.astype(np.float64)
    return Data(
        "spiral",
        x,
        t,
        _chunks(x, t, batch_size, steps),
        f"DeZero's spiral set through DataLoader(TensorDataset(x, t), batch_size={batch_size}), "
        "unshuffled so both frameworks see the same batches",
    )


def _epochs(loader: Any, steps: int):
    """The loader's batches, epoch after epoch, `steps` of them; (epoch start?, batch)."""
    n = 0
    while True:
        for i, batch in enumerate(loader):
            if n == steps:
                return
            yield i == 0, batch
            n += 1


def _finish(
    T: ModuleType,
    model: Any,
    loss_fn: Any,
    data: Data,
    run: dict[str, Any],
    forward: Any,
    n_eval: int | None = None,
) -> Trajectory:
    model.eval()
    x, y = T.tensor(data.x[:n_eval]), T.tensor(data.y[:n_eval])
    with T.no_grad():
        eval_loss = loss_fn(forward(model, x), y).item()
    params = {n: _numpy(p) for n, p in model.named_parameters()}
    return Trajectory(
        run["losses"], run["first_grads"], params, eval_loss, run["lrs"], run["seconds"]
    )


def _step(run: dict[str, Any], model: Any, optimizer: Any, loss: Any) -> None:
    loss.backward()
    if not run["first_grads"]:
        run["first_grads"] = {n: _numpy(p.grad) for n, p in model.named_parameters()}
    optimizer.step()
    run["losses"].append(loss.item())


def _new_run() -> dict[str, Any]:
    return {"losses": [], "lrs": [], "first_grads": {}, "seconds": 0.0}


def train_with_loader(
    T: ModuleType, recipe: Recipe, init: Mapping[str, np.ndarray], data: Data, dtype: str
) -> Trajectory:
    """The usual loop over `DataLoader(TensorDataset(x, y), batch_size, shuffle=False)`."""
    model, loss_fn, optimizer, _ = setup(T, recipe, init, dtype)
    size = len(data.batches[0][0])
    dataset = T.utils.data.TensorDataset(T.tensor(data.x), T.tensor(data.y))
    loader = T.utils.data.DataLoader(dataset, batch_size=size, shuffle=False, drop_last=True)
    run, start = _new_run(), time.perf_counter()
    model.train()
    for _, (x, y) in _epochs(loader, len(data.batches)):
        run["lrs"].append(optimizer.param_groups[0]["lr"])
        optimizer.zero_grad()
        _step(run, model, optimizer, loss_fn(model(x), y))
    run["seconds"] = time.perf_counter() - start
    return _finish(T, model, loss_fn, data, run, lambda m, x: m(x))


def sine_lstm(T: ModuleType) -> Any:
    """LSTM(1, 16) then Linear(16, 1) on each step: DeZero's BetterRNN for the sine curve"""

    class SineLSTM(T.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.rnn = T.nn.LSTM(1, 16)
            self.fc = T.nn.Linear(16, 1)

        def forward(self, x: Any, state: Any = None) -> Any:
            out, state = self.rnn(x, state)
            return self.fc(out), state

    return SineLSTM()


def _sequence_forward(model: Any, x: Any) -> Any:
    return model(x.unsqueeze(1))[0].squeeze(1)  # the whole curve as one sequence, batch 1


def train_lstm_bptt(
    T: ModuleType, recipe: Recipe, init: Mapping[str, np.ndarray], data: Data, dtype: str
) -> Trajectory:
    """Truncated BPTT: chunks of BPTT steps from an unshuffled DataLoader; the LSTM's state
    carries over between chunks, detached, and is reset every epoch."""
    model, loss_fn, optimizer, _ = setup(T, recipe, init, dtype)
    dataset = T.utils.data.TensorDataset(T.tensor(data.x), T.tensor(data.y))
    loader = T.utils.data.DataLoader(dataset, batch_size=BPTT, shuffle=False, drop_last=True)
    run, start, state = _new_run(), time.perf_counter(), None
    model.train()
    for first, (x, y) in _epochs(loader, len(data.batches)):
        if first:
            state = None
        run["lrs"].append(optimizer.param_groups[0]["lr"])
        optimizer.zero_grad()
        pred, state = model(x.unsqueeze(1), state)  # (BPTT, batch 1, 1)
        _step(run, model, optimizer, loss_fn(pred.squeeze(1), y))
        state = tuple(s.detach() for s in state)
    run["seconds"] = time.perf_counter() - start
    # evaluated on the first 4 chunks as one sequence (the whole curve costs 999 steps)
    return _finish(T, model, loss_fn, data, run, _sequence_forward, n_eval=4 * BPTT)


def train_through_checkpoints(
    T: ModuleType, recipe: Recipe, init: Mapping[str, np.ndarray], data: Data, dtype: str
) -> Trajectory:
    """Train a third of the steps, save model and optimizer, load them in a fresh run, and so on.

    With T = torch every segment is torch's (torch.save/torch.load); with the candidate, the
    middle third runs in torch from the candidate's file (torch.load(weights_only=True)) and
    the last third in the candidate again from torch's file: files cross both ways.
    """
    import torch  # the harness's reference: the middle segment runs in it

    frameworks = [T, T, T] if T is torch else [T, torch, T]
    thirds = np.array_split(np.arange(len(data.batches)), 3)
    run, weights = _new_run(), dict(init)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "checkpoint.pt")
        for i, (F, steps) in enumerate(zip(frameworks, thirds, strict=True)):
            model, loss_fn, optimizer, _ = setup(F, recipe, weights, dtype)
            if i:
                checkpoint = F.load(path, weights_only=True)
                model.load_state_dict(checkpoint["model"])
                optimizer.load_state_dict(checkpoint["optimizer"])
                assert checkpoint["step"] == len(run["losses"])
            start = time.perf_counter()
            model.train()
            for step in steps:
                x, y = data.batches[step]
                run["lrs"].append(optimizer.param_groups[0]["lr"])
                optimizer.zero_grad()
                _step(run, model, optimizer, loss_fn(model(F.tensor(x)), F.tensor(y)))
            run["seconds"] += time.perf_counter() - start
            state = {
                "model": model.state_dict(),
                "optimizer": optimizer.state_dict(),
                "step": len(run["losses"]),
            }
            F.save(state, path)
    return _finish(F, model, loss_fn, data, run, lambda m, x: m(x))
