"""Module hooks as torch runs them: forward pre-hooks, forward hooks and full backward hooks.

A full backward hook sees the gradients of the module's inputs and outputs together. As in
torch, the tensor inputs pass through one identity node: its backward receives every input's
gradient at once, calls the hooks (which may replace them), and passes them on. Output gradients
are captured by tensor hooks on the outputs, which run first.
"""

from __future__ import annotations

import warnings
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from ..._function import Function
from ..._tensor import Tensor, _make
from ..._warn_once import user_stacklevel


class RemovableHandle:
    """What a register_*_hook returns: `.remove()` unregisters the hook (also as a context)."""

    _next_id = 0

    def __init__(self, hooks: OrderedDict[int, Any], *extra: dict[int, Any]) -> None:
        self.id = RemovableHandle._next_id
        RemovableHandle._next_id += 1
        self._stores = (hooks, *extra)

    def remove(self) -> None:
        for store in self._stores:
            store.pop(self.id, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


def add_hook(
    store: OrderedDict[int, Any], hook: Callable[..., Any], prepend: bool, *extra: dict[int, Any]
) -> RemovableHandle:
    handle = RemovableHandle(store, *extra)
    store[handle.id] = hook
    if prepend:
        store.move_to_end(handle.id, last=False)
    return handle


class _BackwardHook(Function):
    """Identity on the module's tensor inputs; its backward runs the module's backward hooks."""

    def __init__(self, state: _HookState) -> None:
        self.state = state

    node = "BackwardHookFunctionBackward"

    def forward(self, *xs):
        return xs if len(xs) > 1 else xs[0]

    def backward(self, gy, *xs):
        grads = gy if isinstance(gy, tuple) else (gy,)
        return self.state.fire(grads)


class _HookState:
    """One call's bookkeeping: where the tensor inputs sit and the captured output gradients."""

    def __init__(self, module: Any, n_args: int, positions: list[int]) -> None:
        self.module, self.n_args, self.positions = module, n_args, positions
        self.grad_output: tuple[Any, ...] | None = None

    def fire(self, grads: tuple[Any, ...]) -> Any:
        as_tensor = [g if g is None or isinstance(g, Tensor) else _make(g) for g in grads]
        grad_input = [None] * self.n_args
        for p, g in zip(self.positions, as_tensor, strict=True):
            grad_input[p] = g
        grad_input_t = tuple(grad_input)
        for hook in list(self.module._backward_hooks.values()):
            out = hook(self.module, grad_input_t, self.grad_output or ())
            if out is not None:
                out = tuple(out) if isinstance(out, tuple | list) else (out,)
                if len(out) != len(grad_input_t):
                    raise RuntimeError(
                        f"Backward hook returned an invalid number of grad_input, got "
                        f"{len(out)}, but expected {len(grad_input_t)}"
                    )
                grad_input_t = out
        result = []
        for p, original in zip(self.positions, grads, strict=True):
            g = grad_input_t[p]
            if g is not None and not isinstance(original, Tensor) and isinstance(g, Tensor):
                g = g._data
            result.append(g)
        if not result:
            return None
        return tuple(result) if len(result) > 1 else result[0]


def _outputs(value: Any) -> list[Tensor]:
    if isinstance(value, Tensor):
        return [value]
    if isinstance(value, tuple | list):
        return [v for v in value if isinstance(v, Tensor)]
    return []


def call_with_hooks(module: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Module.__call__ when the module has hooks."""
    d = module.__dict__
    for hook_id, hook in list(d.get("_forward_pre_hooks", {}).items()):
        if hook_id in d.get("_forward_pre_hooks_with_kwargs", {}):
            res = hook(module, args, kwargs)
            if res is not None:
                args, kwargs = res
        else:
            res = hook(module, args)
            if res is not None:
                args = res if isinstance(res, tuple) else (res,)
    state = None
    if d.get("_backward_hooks"):
        positions = [i for i, a in enumerate(args) if isinstance(a, Tensor) and a.requires_grad]
        state = _HookState(module, len(args), positions)
        if positions:
            wrapped = _BackwardHook(state)._run(*[args[i] for i in positions])
            wrapped = wrapped if isinstance(wrapped, tuple) else (wrapped,)
            new_args = list(args)
            for i, w in zip(positions, wrapped, strict=True):
                new_args[i] = w
            args = tuple(new_args)
    output = module.forward(*args, **kwargs)
    for hook_id, hook in list(d.get("_forward_hooks", {}).items()):
        if hook_id in d.get("_forward_hooks_with_kwargs", {}):
            res = hook(module, args, kwargs, output)
        else:
            res = hook(module, args, output)
        if res is not None:
            output = res
    if state is not None:
        _capture_grad_output(state, output)
    return output


def _capture_grad_output(state: _HookState, output: Any) -> None:
    outs = [t for t in _outputs(output) if t.requires_grad]
    if not outs:
        return
    grads: list[Any] = [None] * len(outs)
    seen = [0]

    def capture(i: int) -> Callable[[Tensor], None]:
        def hook(grad: Tensor) -> None:
            grads[i] = grad
            seen[0] += 1
            state.grad_output = tuple(grads)
            if not state.positions and seen[0] == len(outs):
                warnings.warn(
                    "Full backward hook is firing when gradients are computed with respect to "
                    "module outputs since no inputs require gradients.",
                    stacklevel=user_stacklevel(),
                )
                state.fire(())  # no input needs a gradient: fire on the outputs' gradients

        return hook

    for i, t in enumerate(outs):
        t.register_hook(capture(i))
