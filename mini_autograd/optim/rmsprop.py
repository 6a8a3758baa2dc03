"""`RMSprop`, with momentum and the centered variant, as torch.optim's."""

from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, ParamsT, lerp_


class RMSprop(Optimizer):
    """torch.optim.RMSprop's algorithm, for each parameter p with gradient g:

    g <- -g if maximize;  g <- g + weight_decay * p     if weight_decay != 0
    v <- alpha * v + (1 - alpha) * g^2
    avg <- sqrt(v - gbar^2) with gbar <- alpha * gbar + (1 - alpha) * g   if centered,
           else sqrt(v);  then avg <- avg + eps
    b <- momentum * b + g / avg;  p <- p - lr * b        if momentum > 0
    p <- p - lr * g / avg                               else
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        if not lr >= 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not eps >= 0.0:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not momentum >= 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not weight_decay >= 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not alpha >= 0.0:
            raise ValueError(f"Invalid alpha value: {alpha}")
        if differentiable:
            raise NotImplementedError("RMSprop(differentiable=True) is not supported")
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "alpha": alpha,
            "eps": eps,
            "centered": centered,
            "weight_decay": weight_decay,
            "capturable": capturable,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def step(self, closure: Any = None) -> Any:
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, alpha, eps = group["lr"], group["alpha"], group["eps"]
            weight_decay, momentum, centered = (
                group["weight_decay"],
                group["momentum"],
                group["centered"],
            )
            for p, g in self._params_with_grad(group):
                state = self.state[p]
                if not state:
                    state["step"] = self._step_counter()
                    state["square_avg"] = self._zeros_like(p)
                    if momentum > 0:
                        state["momentum_buffer"] = self._zeros_like(p)
                    if centered:
                        state["grad_avg"] = self._zeros_like(p)
                state["step"] += 1
                param, v = p._data, state["square_avg"]._data

                if weight_decay != 0:
                    g = g + weight_decay * param
                v *= alpha
                v += (1 - alpha) * g * g
                if centered:
                    g_avg = state["grad_avg"]._data
                    lerp_(g_avg, g, 1 - alpha)
                    avg = np.sqrt(v + -1 * g_avg * g_avg)
                else:
                    avg = np.sqrt(v)
                avg += eps
                if momentum > 0:
                    buf = state["momentum_buffer"]._data
                    buf *= momentum
                    buf += g / avg
                    param += -lr * buf
                else:
                    param += -lr * g / avg
        return loss
