"""Training trajectories: each optimizer trains a small MLP on DeZero's spiral set (and a
regression), in torch and in the candidate, from the same weights on the same batches."""

from __future__ import annotations

from ..training import Recipe, sine, spiral, training_case


def spiral_mlp(T):
    """2 -> 10 -> 3 with a sigmoid hidden layer: DeZero's MLP((10, 3)) for the spiral set"""
    return T.nn.Sequential(T.nn.Linear(2, 10), T.nn.Sigmoid(), T.nn.Linear(10, 3))


def sine_mlp(T):
    """1 -> 10 -> 1 with a sigmoid hidden layer: DeZero's regression network"""
    return T.nn.Sequential(T.nn.Linear(1, 10), T.nn.Sigmoid(), T.nn.Linear(10, 1))


def _spiral(name: str, title: str, optimizer: str, **options: object) -> None:
    recipe = Recipe(spiral_mlp, "CrossEntropyLoss", optimizer, options)
    training_case(f"train_spiral_{name}", title, spiral, recipe, tags=("spiral",))


_spiral("sgd", "SGD (lr 1, DeZero's setting) on the spiral set, cross-entropy", "SGD", lr=1.0)
_spiral(
    "sgd_momentum",
    "SGD with momentum 0.9 and dampening 0.1 on the spiral set",
    "SGD",
    lr=0.2,
    momentum=0.9,
    dampening=0.1,
)
_spiral(
    "sgd_nesterov",
    "SGD with Nesterov momentum and weight decay on the spiral set",
    "SGD",
    lr=0.2,
    momentum=0.9,
    nesterov=True,
    weight_decay=1e-3,
)
_spiral("adam", "Adam on the spiral set", "Adam", lr=0.05)
_spiral(
    "adamw",
    "AdamW (decoupled weight decay 0.1) with amsgrad on the spiral set",
    "AdamW",
    lr=0.05,
    weight_decay=0.1,
    amsgrad=True,
)
_spiral("rmsprop", "RMSprop on the spiral set", "RMSprop", lr=0.01)
_spiral(
    "adagrad",
    "Adagrad with learning-rate decay on the spiral set",
    "Adagrad",
    lr=0.5,
    lr_decay=1e-3,
)

training_case(
    "train_sine_sgd_steplr",
    "SGD with momentum and a StepLR schedule fitting sin(2πx), mean squared error",
    sine,
    Recipe(
        sine_mlp,
        "MSELoss",
        "SGD",
        {"lr": 0.2, "momentum": 0.5},
        "StepLR",
        {"step_size": 50, "gamma": 0.5},
    ),
    tags=("sine",),
)
training_case(
    "train_sine_adam_cosine",
    "Adam with a cosine-annealed learning rate fitting sin(2πx), mean squared error",
    sine,
    Recipe(
        sine_mlp,
        "MSELoss",
        "Adam",
        {"lr": 0.05, "weight_decay": 1e-4},
        "CosineAnnealingLR",
        {"T_max": 150, "eta_min": 1e-3},
    ),
    tags=("sine",),
)
training_case(
    "train_sine_rmsprop_centered",
    "Centered RMSprop with momentum fitting sin(2πx), L1 loss",
    sine,
    Recipe(sine_mlp, "L1Loss", "RMSprop", {"lr": 0.005, "momentum": 0.5, "centered": True}),
    tags=("sine",),
)
