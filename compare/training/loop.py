"""The training run, written once against the torch namespace `T`: the same code trains both."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import numpy as np

from .data import Data


@dataclass(frozen=True)
class Recipe:
    """What to train: a model built from T, a loss, an optimizer and an optional scheduler."""

    model: Callable[[ModuleType], Any]  # T -> T.nn.Module
    loss: str  # a loss module's name in T.nn
    optimizer: str  # a name in T.optim
    options: Mapping[str, Any] = field(default_factory=dict)
    scheduler: str = ""  # a name in T.optim.lr_scheduler, or ""
    scheduler_options: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class Trajectory:
    """What one framework's run produced."""

    losses: list[float]
    first_grads: dict[str, np.ndarray]  # the parameters' gradients after the first backward
    params: dict[str, np.ndarray]  # after the last step
    eval_loss: float  # in eval mode, under no_grad, on the whole data set
    lrs: list[float]  # the learning rate used at each step
    seconds: float  # wall time of the training steps


def setup(
    T: ModuleType, recipe: Recipe, init: Mapping[str, np.ndarray], dtype: str
) -> tuple[Any, Any, Any, Any]:
    """The recipe's model (with the weights `init`), loss, optimizer and scheduler (or None)."""
    model = recipe.model(T).to(getattr(T, dtype))
    model.load_state_dict({name: T.tensor(value) for name, value in init.items()})
    loss_fn = getattr(T.nn, recipe.loss)()
    optimizer = getattr(T.optim, recipe.optimizer)(model.parameters(), **recipe.options)
    scheduler = None
    if recipe.scheduler:
        scheduler = getattr(T.optim.lr_scheduler, recipe.scheduler)(
            optimizer, **recipe.scheduler_options
        )
    return model, loss_fn, optimizer, scheduler


def train(
    T: ModuleType, recipe: Recipe, init: Mapping[str, np.ndarray], data: Data, dtype: str
) -> Trajectory:
    """Train recipe.model from the weights `init` on data.batches, one optimizer step each."""
    model, loss_fn, optimizer, scheduler = setup(T, recipe, init, dtype)

    losses, lrs, first_grads = [], [], {}
    start = time.perf_counter()
    model.train()
    for x, y in data.batches:
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.zero_grad()
        loss = loss_fn(model(T.tensor(x)), T.tensor(y))
        loss.backward()
        if not first_grads:
            first_grads = {n: _numpy(p.grad) for n, p in model.named_parameters()}
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        losses.append(loss.item())
    seconds = time.perf_counter() - start

    model.eval()
    with T.no_grad():
        eval_loss = loss_fn(model(T.tensor(data.x)), T.tensor(data.y)).item()
    params = {n: _numpy(p) for n, p in model.named_parameters()}
    return Trajectory(losses, first_grads, params, eval_loss, lrs, seconds)


def _numpy(t: Any) -> np.ndarray:
    return np.array(t.detach().numpy(), copy=True)
