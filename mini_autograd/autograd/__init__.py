"""torch.autograd's names: backward, grad, grad-mode switches and the gradient checkers."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .. import _grad_mode, _warn_once
from .._engine import run_backward
from .._grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .._tensor import Tensor, _make
from .function import Function, FunctionCtx
from .gradcheck import GradcheckError, gradcheck, gradgradcheck, numerical_diff

__all__ = [
    "Function",
    "FunctionCtx",
    "GradcheckError",
    "backward",
    "enable_grad",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "inference_mode",
    "is_grad_enabled",
    "no_grad",
    "numerical_diff",
    "set_grad_enabled",
]

grad_mode = _grad_mode


def _as_tuple(x: Tensor | Sequence[Tensor] | None, what: str) -> tuple:
    if x is None:
        return ()
    if isinstance(x, Tensor):
        return (x,)
    items = tuple(x)
    for t in items:
        if t is not None and not isinstance(t, Tensor):
            raise TypeError(f"{what} must be Tensors, got {type(t).__name__}")
    return items


def _root_grads(outputs: tuple, grad_outputs: tuple, create_graph: bool) -> list:
    """The starting gradient of each output: ones for scalars, else the given one, checked."""
    if grad_outputs and len(grad_outputs) != len(outputs):
        raise RuntimeError(
            f"grad can be implicitly created only for scalar outputs; got "
            f"{len(grad_outputs)} gradients for {len(outputs)} outputs"
        )
    roots = []
    for i, out in enumerate(outputs):
        if not out._requires_grad:
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn"
            )
        g = grad_outputs[i] if grad_outputs else None
        if g is None:
            if out._data.size != 1:
                raise RuntimeError(
                    "grad can be implicitly created only for scalar outputs; pass "
                    f"gradient= of shape {list(out.shape)} to backward()"
                )
            g = _make(np.array(1, dtype=out._data.dtype).reshape(out._data.shape))
        elif not isinstance(g, Tensor):
            raise TypeError(f"gradient must be a Tensor, got {type(g).__name__}")
        elif g._data.shape != out._data.shape:
            raise RuntimeError(
                f"Mismatch in shape: grad_output[{i}] has a shape of "
                f"{g.shape} and output[{i}] has a shape of {out.shape}."
            )
        elif g._data.dtype != out._data.dtype:
            g = _make(g._data.astype(out._data.dtype)) if not g._requires_grad else g.to(out.dtype)
        roots.append(g if create_graph else np.asarray(g._data))
    return roots


def backward(
    tensors: Tensor | Sequence[Tensor],
    grad_tensors: Tensor | Sequence | None = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    inputs: Tensor | Sequence[Tensor] | None = None,
) -> None:
    """Accumulate the gradients of `tensors` into the .grad of the leaves (or of `inputs` only)."""
    outputs = _as_tuple(tensors, "tensors")
    grads = _root_grads(outputs, _as_tuple(grad_tensors, "grad_tensors"), create_graph)
    retain = create_graph if retain_graph is None else retain_graph
    if create_graph and (inputs is None or _as_tuple(inputs, "inputs")):
        # torch's engine warns so (once per process) whenever backward builds a graph
        _warn_once.warn_once("create_graph", _warn_once.CREATE_GRAPH_CYCLE)
    if inputs is None:
        run_backward(outputs, grads, retain, create_graph)
        return
    targets = _as_tuple(inputs, "inputs")
    if not targets:
        raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    captured = run_backward(outputs, grads, retain, create_graph, capture=targets, accumulate=False)
    from .._engine import _accumulate

    for t, g in zip(targets, captured, strict=False):
        if g is not None:
            _accumulate(t, g)


def grad(
    outputs: Tensor | Sequence[Tensor],
    inputs: Tensor | Sequence[Tensor],
    grad_outputs: Tensor | Sequence | None = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    only_inputs: bool = True,
    allow_unused: bool | None = None,
    is_grads_batched: bool = False,
    materialize_grads: bool = False,
) -> tuple[Tensor, ...]:
    """The gradients of `outputs` with respect to `inputs`, returned instead of accumulated."""
    outs = _as_tuple(outputs, "outputs")
    ins = _as_tuple(inputs, "inputs")
    if allow_unused is None:
        allow_unused = materialize_grads
    elif materialize_grads and not allow_unused:
        raise ValueError(
            "Expected allow_unused to be True or not passed when materialize_grads=True"
        )
    for t in ins:
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    roots = _root_grads(outs, _as_tuple(grad_outputs, "grad_outputs"), create_graph)
    retain = create_graph if retain_graph is None else retain_graph
    captured = run_backward(outs, roots, retain, create_graph, capture=ins, accumulate=False)
    result = []
    for t, g in zip(ins, captured, strict=False):
        if g is None:
            if not allow_unused:
                raise RuntimeError(
                    "One of the differentiated Tensors appears to not have been "
                    "used in the graph. Set allow_unused=True if this is the "
                    "desired behavior."
                )
            result.append(_make(np.zeros_like(t._data)) if materialize_grads else None)
        elif isinstance(g, Tensor):
            result.append(g)
        else:
            result.append(_make(np.array(g, dtype=t._data.dtype)))
    return tuple(result)
