"""`Adagrad`, with learning-rate decay, as torch.optim's."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._creation import full_like
from .optimizer import Optimizer, ParamsT


class Adagrad(Optimizer):
    """torch.optim.Adagrad's algorithm, for each parameter p with gradient g at step t:

    g <- -g if maximize;  g <- g + weight_decay * p     if weight_decay != 0
    clr <- lr / (1 + (t - 1) * lr_decay)
    s <- s + g^2                   (s starts at initial_accumulator_value)
    p <- p - clr * g / (sqrt(s) + eps)
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        if not lr >= 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not lr_decay >= 0.0:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not weight_decay >= 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not initial_accumulator_value >= 0.0:
            raise ValueError(
                f"Invalid initial_accumulator_value value: {initial_accumulator_value}"
            )
        if not eps >= 0.0:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if differentiable:
            raise NotImplementedError("Adagrad(differentiable=True) is not supported")
        defaults = {
            "lr": lr,
            "lr_decay": lr_decay,
            "eps": eps,
            "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "fused": fused,
        }
        super().__init__(params, defaults)
        # torch creates Adagrad's state up front, for every parameter
        for group in self.param_groups:
            for p in group["params"]:
                state = self.state[p]
                state["step"] = self._step_counter()
                state["sum"] = full_like(p, group["initial_accumulator_value"])

    def step(self, closure: Any = None) -> Any:
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, lr_decay, eps = group["lr"], group["lr_decay"], group["eps"]
            weight_decay = group["weight_decay"]
            for p, g in self._params_with_grad(group):
                state = self.state[p]
                state["step"] += 1
                step = state["step"].item()
                param, s = p._data, state["sum"]._data

                if weight_decay != 0:
                    g = g + weight_decay * param
                clr = lr / (1 + (step - 1) * lr_decay)
                s += g * g
                param += -clr * g / (np.sqrt(s) + eps)
        return loss
