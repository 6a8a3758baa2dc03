"""Training runs through a training script's boilerplate: DataLoader batches, an LSTM with
truncated BPTT, and checkpoints that cross between the frameworks mid-run."""

from __future__ import annotations

from ..training import Recipe, spiral, training_case
from ..training.loaders import (
    sine_lstm,
    sine_sequence,
    spiral_in_order,
    train_lstm_bptt,
    train_through_checkpoints,
    train_with_loader,
)
from .training import spiral_mlp

training_case(
    "train_spiral_dataloader",
    "Adam on the spiral set, batches from DataLoader(TensorDataset(x, t), 30)",
    spiral_in_order,
    Recipe(spiral_mlp, "CrossEntropyLoss", "Adam", {"lr": 0.05}),
    steps=60,
    trainer=train_with_loader,
    tags=("spiral", "data"),
)
training_case(
    "train_sine_lstm_bptt",
    "LSTM on DeZero's sine curve with truncated BPTT (chunks of 30 from a DataLoader), Adam",
    sine_sequence,
    Recipe(sine_lstm, "MSELoss", "Adam", {"lr": 0.003}),
    steps=34,  # one epoch of 33 chunks, then the first chunk again from a reset state
    trainer=train_lstm_bptt,
    tags=("sine", "rnn", "data"),
)
training_case(
    "train_spiral_checkpoint",
    "Adam on the spiral set, saved and loaded every 20 steps: candidate → torch → candidate",
    spiral,
    Recipe(spiral_mlp, "CrossEntropyLoss", "Adam", {"lr": 0.05}),
    steps=60,
    trainer=train_through_checkpoints,
    tags=("spiral", "checkpoint"),
)
