"""Training-trajectory cases: a whole training run in torch and the candidate, step by step.

A case is a `Recipe` (model, loss, optimizer, scheduler) plus data; `compare/cases/training.py`
declares them. The same `train(T, ...)` loop runs with T = torch and T = the candidate, from the
same initial weights (copied with `load_state_dict`) on the same batches.
"""

from __future__ import annotations

from .case import TRAINING_TOL, TrainingCase, training_case
from .data import get_sin, get_spiral, sine, spiral
from .loop import Recipe, Trajectory, train

__all__ = [
    "TRAINING_TOL",
    "Recipe",
    "TrainingCase",
    "Trajectory",
    "get_sin",
    "get_spiral",
    "sine",
    "spiral",
    "train",
    "training_case",
]
