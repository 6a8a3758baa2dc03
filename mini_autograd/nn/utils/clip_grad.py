"""torch.nn.utils' gradient clipping: rescale or clamp the parameters' gradients in place."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ..._creation import tensor
from ..._grad_mode import no_grad
from ..._tensor import Tensor


def zero_grads(parameters: Iterable[Tensor], set_to_none: bool = True) -> None:
    """Reset gradients as Module.zero_grad and Optimizer.zero_grad do: to None, or zeroed in place
    and cut from any graph."""
    for p in parameters:
        if p.grad is None:
            continue
        if set_to_none:
            p.grad = None
        else:
            p.grad.detach_()
            with no_grad():
                p.grad.zero_()


def _grads(parameters: Tensor | Iterable[Tensor]) -> list[np.ndarray]:
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    return [p.grad._data for p in params if p.grad is not None]


def clip_grad_norm_(
    parameters: Tensor | Iterable[Tensor],
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
    foreach: bool | None = None,
) -> Tensor:
    """Scale all gradients by min(1, max_norm / (total_norm + 1e-6)), where total_norm is the
    norm of the vector of every gradient's norm; returns total_norm."""
    grads = _grads(parameters)
    if not grads:
        return tensor(0.0)
    norm_type = float(norm_type)
    norms = np.stack([np.linalg.norm(g.ravel(), norm_type) for g in grads])
    total = np.linalg.norm(norms, norm_type).astype(grads[0].dtype)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` "
            "is non-finite, so it cannot be clipped. To disable this error and "
            "scale the gradients by the non-finite norm anyway, set "
            "`error_if_nonfinite=False`"
        )
    clip_coef = min(max_norm / (total + 1e-6), 1.0)
    for g in grads:
        g *= clip_coef
    return tensor(total)


def clip_grad_value_(
    parameters: Tensor | Iterable[Tensor], clip_value: float, foreach: bool | None = None
) -> None:
    """Clamp every gradient element into [-clip_value, clip_value]."""
    for g in _grads(parameters):
        np.clip(g, -clip_value, clip_value, out=g)
