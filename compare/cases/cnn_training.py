"""CNN training trajectories: a LeNet-style net and a small ResNet-style net with BatchNorm,
trained on synthetic digit-like images in torch and the candidate from the same weights."""

from __future__ import annotations

import numpy as np

from ..training import Recipe, training_case
from ..training.data import Data, minibatches

SIDE, CLASSES = 12, 4


def shapes(n: int = 256, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """n noisy 1×12×12 images of four shapes (a vertical bar, a horizontal bar, a cross, a
    blob), at random offsets and brightness: MNIST-shaped data without a download."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, CLASSES, n)
    grid = np.arange(SIDE)
    images = np.empty((n, 1, SIDE, SIDE))
    for i, label in enumerate(y):
        r, c = rng.integers(3, SIDE - 3, 2)
        rows, cols = np.abs(grid - r)[:, None], np.abs(grid - c)[None, :]
        vertical = (cols <= 1) & (rows <= 4)
        horizontal = (rows <= 1) & (cols <= 4)
        img = [vertical, horizontal, vertical | horizontal, rows**2 + cols**2 <= 6][label]
        images[i, 0] = img * rng.uniform(0.7, 1.3) + rng.normal(0, 0.15, (SIDE, SIDE))
    return images, y.astype(np.int64)


def shapes_data(steps: int, batch_size: int = 16, seed: int = 0) -> Data:
    x, y = shapes()
    return Data(
        "shapes",
        x,
        y,
        minibatches(x, y, batch_size, steps, seed),
        f"256 synthetic 1×{SIDE}×{SIDE} images of 4 shapes (bar, bar, cross, blob) with noise, "
        f"minibatches of {batch_size} reshuffled every epoch",
    )


def lenet(T):
    """conv 4@3×3 → relu → maxpool 2 → conv 8@3×3 → relu → maxpool 2 → 8 → 16 → 4"""
    nn = T.nn
    return nn.Sequential(
        nn.Conv2d(1, 4, 3),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(4, 8, 3),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(8, 16),
        nn.ReLU(),
        nn.Linear(16, CLASSES),
    )


def resnet(T):
    """conv → BatchNorm → relu, a residual block (conv-BN-relu-conv-BN + skip), global pooling"""
    nn = T.nn

    class Block(nn.Module):
        def __init__(self, channels: int) -> None:
            super().__init__()
            self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
            self.bn1 = nn.BatchNorm2d(channels)
            self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
            self.bn2 = nn.BatchNorm2d(channels)

        def forward(self, x):
            h = T.relu(self.bn1(self.conv1(x)))
            return T.relu(self.bn2(self.conv2(h)) + x)

    return nn.Sequential(
        nn.Conv2d(1, 6, 3, stride=2, padding=1, bias=False),
        nn.BatchNorm2d(6),
        nn.ReLU(),
        Block(6),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(6, CLASSES),
    )


training_case(
    "train_cnn_lenet_sgd_momentum",
    "LeNet-style CNN, SGD with momentum 0.9, on synthetic shape images",
    shapes_data,
    Recipe(lenet, "CrossEntropyLoss", "SGD", {"lr": 0.05, "momentum": 0.9}),
    steps=40,
    tags=("cnn",),
)
training_case(
    "train_cnn_lenet_adam",
    "LeNet-style CNN, Adam, on synthetic shape images",
    shapes_data,
    Recipe(lenet, "CrossEntropyLoss", "Adam", {"lr": 0.01}),
    steps=40,
    tags=("cnn",),
)
training_case(
    "train_cnn_resnet_batchnorm",
    "ResNet-style block net with BatchNorm (running stats used in eval), SGD with momentum",
    shapes_data,
    Recipe(resnet, "CrossEntropyLoss", "SGD", {"lr": 0.05, "momentum": 0.9}),
    steps=40,
    tags=("cnn",),
)
