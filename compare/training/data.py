"""The training data, made with numpy and seeded: DeZero's spiral and sine-regression sets."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def get_spiral(train: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """DeZero's `get_spiral`: 3 interleaved spiral arms of 100 points each, shuffled.

    Returns x (300, 2) float32 and t (300,) int64 class labels; seed 1984 for the training set,
    2020 for the test set, drawn from numpy's legacy generator exactly as DeZero draws them.
    """
    rng = np.random.RandomState(1984 if train else 2020)
    num_data, num_class = 100, 3
    rate = np.tile(np.arange(num_data) / num_data, num_class)
    arm = np.repeat(np.arange(num_class), num_data)
    theta = arm * 4.0 + 4.0 * rate + rng.randn(num_data * num_class) * 0.2
    radius = 1.0 * rate
    x = np.stack([radius * np.sin(theta), radius * np.cos(theta)], axis=1).astype(np.float32)
    indices = rng.permutation(num_data * num_class)
    return x[indices], arm[indices].astype(np.int64)


def get_sin(seed: int = 0, n: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """DeZero's regression toy set: y = sin(2 pi x) + U(0, 1) noise, x ~ U(0, 1), shape (n, 1)."""
    rng = np.random.RandomState(seed)
    x = rng.rand(n, 1)
    y = np.sin(2 * np.pi * x) + rng.rand(n, 1)
    return x, y


@dataclass(frozen=True)
class Data:
    """A data set cut into the batches of a training run (the same arrays for both frameworks)."""

    name: str
    x: np.ndarray
    y: np.ndarray
    batches: list[tuple[np.ndarray, np.ndarray]]
    description: str

    def cast(self, dtype: str) -> Data:
        """The float arrays in `dtype` (labels keep their integer dtype)."""

        def c(a: np.ndarray) -> np.ndarray:
            return a.astype(dtype) if a.dtype.kind == "f" else a

        batches = [(c(x), c(y)) for x, y in self.batches]
        return Data(self.name, c(self.x), c(self.y), batches, self.description)


def minibatches(
    x: np.ndarray, y: np.ndarray, batch_size: int, steps: int, seed: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """`steps` minibatches, reshuffling the data every epoch as DeZero's DataLoader does."""
    rng = np.random.default_rng(seed)
    batches: list[tuple[np.ndarray, np.ndarray]] = []
    while len(batches) < steps:
        order = rng.permutation(len(x))
        for start in range(0, len(x) - batch_size + 1, batch_size):
            idx = order[start : start + batch_size]
            batches.append((x[idx], y[idx]))
    return batches[:steps]


def spiral(steps: int, batch_size: int = 30, seed: int = 0) -> Data:
    x, t = get_spiral(train=True)
    return Data(
        "spiral",
        x.astype(np.float64),
        t,
        minibatches(x.astype(np.float64), t, batch_size, steps, seed),
        f"DeZero's spiral set: 300 points in 3 classes, minibatches of {batch_size} "
        "reshuffled every epoch",
    )


def sine(steps: int) -> Data:
    x, y = get_sin()
    return Data(
        "sine",
        x,
        y,
        [(x, y)] * steps,
        "y = sin(2πx) + U(0, 1) noise at 100 points x ~ U(0, 1), full batch",
    )
