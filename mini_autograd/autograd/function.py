"""torch.autograd.Function: user-defined ops, static `forward(ctx, ...)` and `backward(ctx, ...)`.

    class Exp(mini_autograd.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, gy):
            (y,) = ctx.saved_tensors
            return gy * y

    y = Exp.apply(x)

Both methods see Tensors, as in torch: `forward` runs with grad mode off, and `backward` with grad
mode on only under `create_graph=True`, where saved inputs and outputs are the graph's own tensors,
so the user's backward formula differentiates again.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._function import Function as _Node
from .._function import named_class
from .._grad_mode import no_grad
from .._tensor import Tensor, _make


class FunctionCtx:
    """What forward leaves for backward: saved tensors and flags (torch's ctx)."""

    __slots__ = ()
    needs_input_grad: tuple[bool, ...]

    def save_for_backward(self, *tensors: Tensor | None) -> None:
        """Keep tensors (inputs, outputs or intermediates) for backward."""
        for t in tensors:
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(
                    f"save_for_backward can only save variables, but argument is of "
                    f"type {type(t).__name__}"
                )
        self.to_save = tensors

    def mark_non_differentiable(self, *tensors: Tensor) -> None:
        """Outputs that get no gradient (e.g. indices): they are returned as plain tensors."""
        self.non_differentiable = {id(t) for t in tensors}

    def set_materialize_grads(self, value: bool) -> None:
        """Whether backward gets zeros (True, the default) or None for outputs without gradient."""
        self.materialize_grads = value

    def mark_dirty(self, *tensors: Tensor) -> None:
        """Accepted for compatibility: mini_autograd does not track in-place modification."""


class _CustomNode(_Node, FunctionCtx):
    """The graph node of one `Function.apply` call; it is also the call's ctx, as in torch."""

    __slots__ = ("fn_cls",)  # outlives backward's release of the rest: name() still works

    def __init__(self, fn_cls: type[Function], tensor_pos: tuple[int, ...], kwargs: dict) -> None:
        self.fn_cls, self.tensor_pos, self.kwargs = fn_cls, tensor_pos, kwargs
        self.__class__ = named_class(_CustomNode, fn_cls.__name__ + "Backward")  # torch's type
        self.to_save: tuple = ()
        self.non_differentiable: set[int] = set()
        self.materialize_grads = True
        self._create_graph = False

    def __call__(self, *args: Any) -> Any:
        # torch's custom-Function nodes cannot be called with gradients (built-in ones can)
        raise TypeError(f"'{type(self).__name__}' object is not callable")

    def forward(self, *xs: Any) -> Any:
        args = list(xs)
        wrappers = {}
        for i in self.tensor_pos:
            args[i] = wrappers[i] = _make(xs[i])
        with no_grad():
            out = self.fn_cls.forward(self, *args, **self.kwargs)
        outs = out if isinstance(out, tuple) else (out,)
        for o in outs:
            if not isinstance(o, Tensor):
                raise TypeError(
                    f"{self.fn_cls.__name__}.forward must return a Tensor or a tuple "
                    f"of Tensors, got {type(o).__name__}"
                )
        # which saved tensors are the call's inputs or outputs: under create_graph backward
        # receives the graph's own tensors in their place
        self._saved_roles = []
        for t in self.to_save:
            role = None
            for i, w in wrappers.items():
                if t is w:
                    role = ("input", i)
            for k, o in enumerate(outs):
                if t is o:
                    role = ("output", k)
            self._saved_roles.append(role)
        self._out_arrays = [o._data for o in outs]
        self._non_diff = [id(o) in self.non_differentiable for o in outs]
        arrays = tuple(o._data for o in outs)
        return arrays if isinstance(out, tuple) else arrays[0]

    @property
    def saved_tensors(self) -> tuple[Tensor | None, ...]:
        """The tensors given to save_for_backward (graph-connected under create_graph)."""
        if not self._create_graph:
            return tuple(self.to_save)
        saved = []
        for t, role in zip(self.to_save, self._saved_roles, strict=True):
            if role is None:
                saved.append(t)
            elif role[0] == "input":
                saved.append(self.inputs[role[1]])
            else:
                saved.append(_make(self._out_arrays[role[1]], self, role[1]))
        return tuple(saved)

    def backward(self, gy: Any, *xs: Any) -> Any:
        gys = gy if self.n_outputs > 1 else (gy,)
        graph = any(isinstance(g, Tensor) for g in gys) or any(isinstance(x, Tensor) for x in xs)
        self._create_graph = graph
        grads = []
        for k, g in enumerate(gys):
            if g is None:
                if self.materialize_grads:
                    g = np.zeros_like(self._out_arrays[k])
                else:
                    grads.append(None)
                    continue
            grads.append(g if isinstance(g, Tensor) else _make(g))
        result = self.fn_cls.backward(self, *grads)
        results = result if isinstance(result, tuple) else (result,)
        n_args = len(self.inputs)
        if len(results) != n_args:
            raise RuntimeError(
                f"function {self.name()} returned an incorrect number of gradients "
                f"(expected {n_args}, got {len(results)})"
            )
        out = []
        for r, x in zip(results, self.inputs, strict=True):
            if r is None or not isinstance(x, Tensor):
                out.append(None)
            elif not isinstance(r, Tensor):
                raise TypeError(
                    f"{self.name()}: backward must return Tensors or None, got {type(r).__name__}"
                )
            elif graph:
                out.append(r)
            else:  # a view: the engine copies it before it becomes anyone's .grad
                out.append(r._data.view() if isinstance(r._data, np.ndarray) else r._data)
        return tuple(out) if n_args > 1 else out[0]


class Function:
    """Base of user-defined ops, as torch.autograd.Function: subclass with static `forward(ctx,
    *args)` and `backward(ctx, *grad_outputs)`, and call `YourFunction.apply(*args)`."""

    @staticmethod
    def forward(ctx: FunctionCtx, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            "You must implement the forward function for custom autograd.Function."
        )

    @staticmethod
    def backward(ctx: FunctionCtx, *grad_outputs: Any) -> Any:
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your "
            "custom autograd.Function to use it with backward mode AD."
        )

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Run forward, recording one node whose backward is the class's backward."""
        tensor_pos = tuple(i for i, a in enumerate(args) if isinstance(a, Tensor))
        node = _CustomNode(cls, tensor_pos, kwargs)
        node.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        result = node._run(*args)
        if not any(node._non_diff):
            return result
        outs = result if isinstance(result, tuple) else (result,)
        marks = zip(outs, node._non_diff, strict=True)
        outs = tuple(_make(o._data) if nd else o for o, nd in marks)
        return outs if isinstance(result, tuple) else outs[0]
