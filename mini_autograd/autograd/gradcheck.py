"""Gradient checking: analytical Jacobians from backward against central finite differences."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .._tensor import Tensor, _make


class GradcheckError(RuntimeError):
    """Raised by gradcheck/gradgradcheck when analytical and numerical Jacobians differ."""


def numerical_diff(f: Callable[[Tensor], Tensor], x: Tensor, eps: float = 1e-4) -> Tensor:
    """The book's central difference: (f(x + eps) - f(x - eps)) / (2 eps), elementwise."""
    from .._grad_mode import no_grad

    with no_grad():
        y0 = f(_make(x._data - eps))
        y1 = f(_make(x._data + eps))
    return _make((y1._data - y0._data) / (2 * eps))


def _outputs(func: Callable, inputs: tuple) -> tuple[Tensor, ...]:
    out = func(*inputs)
    return (out,) if isinstance(out, Tensor) else tuple(o for o in out if isinstance(o, Tensor))


def _numerical_jacobians(func: Callable, inputs: tuple, eps: float) -> list[list[np.ndarray]]:
    """J[o][i] of shape (numel(out o), numel(in i)) by central differences, inputs nudged in place.

    func runs with grad mode on: gradgradcheck's func itself calls autograd.grad.
    """

    def values() -> list[np.ndarray]:
        # copies: an output may share memory with the input being nudged (reshape, identity)
        return [np.array(o._data, dtype=np.float64).ravel() for o in _outputs(func, inputs)]

    sizes = [v.size for v in values()]
    jac = [
        [np.zeros((n, t.numel() if isinstance(t, Tensor) else 0)) for t in inputs] for n in sizes
    ]
    for i, t in enumerate(inputs):
        if not (isinstance(t, Tensor) and t.requires_grad):
            continue
        flat = t._data.reshape(-1)
        for k in range(flat.size):
            orig = flat[k]
            flat[k] = orig + eps
            plus = values()
            flat[k] = orig - eps
            minus = values()
            flat[k] = orig
            for o in range(len(sizes)):
                jac[o][i][:, k] = (plus[o] - minus[o]) / (2 * eps)
    return jac


def _analytical_jacobians(func: Callable, inputs: tuple) -> list[list[np.ndarray]]:
    """J[o][i] row by row: the gradient of each output element through backward."""
    from . import grad

    outs = _outputs(func, inputs)
    diff = [t for t in inputs if isinstance(t, Tensor) and t.requires_grad]
    jac = [
        [np.zeros((o.numel(), t.numel() if isinstance(t, Tensor) else 0)) for t in inputs]
        for o in outs
    ]
    for o, out in enumerate(outs):
        if not out.requires_grad:
            continue
        for r in range(out.numel()):
            seed = np.zeros(out._data.size, dtype=out._data.dtype)
            seed[r] = 1
            grads = grad(
                out,
                diff,
                _make(seed.reshape(out._data.shape)),
                retain_graph=True,
                allow_unused=True,
            )
            gi = iter(grads)
            for i, t in enumerate(inputs):
                if isinstance(t, Tensor) and t.requires_grad:
                    g = next(gi)
                    if g is not None:
                        jac[o][i][r] = np.asarray(g._data, dtype=np.float64).ravel()
    return jac


def gradcheck(
    func: Callable[..., Any],
    inputs: Tensor | Sequence[Any],
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    **_: Any,
) -> bool:
    """Check backward against finite differences for every input that requires grad.

    As torch: inputs should be float64; an element passes when |analytical - numerical| <=
    atol + rtol * |numerical|.
    """
    ins = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    numerical = _numerical_jacobians(func, ins, eps)
    analytical = _analytical_jacobians(func, ins)
    for o, (num_row, ana_row) in enumerate(zip(numerical, analytical, strict=False)):
        for i, (n, a) in enumerate(zip(num_row, ana_row, strict=False)):
            if n.size and not np.allclose(a, n, rtol=rtol, atol=atol, equal_nan=True):
                if raise_exception:
                    raise GradcheckError(
                        f"Jacobian mismatch for output {o} with respect to input {i},\n"
                        f"numerical:{_fmt(n)}\nanalytical:{_fmt(a)}\n"
                    )
                return False
    return True


def gradgradcheck(
    func: Callable[..., Any],
    inputs: Tensor | Sequence[Any],
    grad_outputs: Tensor | Sequence[Tensor] | None = None,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    **_: Any,
) -> bool:
    """Check second derivatives: gradcheck of (inputs, v) -> grad(func(inputs), inputs, v)."""
    from .. import _creation
    from . import grad

    ins = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    outs = _outputs(func, ins)
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        vs = tuple(
            _creation.tensor(
                rng.standard_normal(o._data.shape).astype(o._data.dtype), requires_grad=True
            )
            for o in outs
        )
    else:
        vs = (grad_outputs,) if isinstance(grad_outputs, Tensor) else tuple(grad_outputs)
    n_in = len(ins)
    diff_idx = [i for i, t in enumerate(ins) if isinstance(t, Tensor) and t.requires_grad]

    def first_grads(*args: Any) -> tuple[Tensor, ...]:
        xs, gs = args[:n_in], args[n_in:]
        ys = _outputs(func, xs)
        diff = [xs[i] for i in diff_idx]
        grads = grad(ys, diff, gs, create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None and g.requires_grad)

    return gradcheck(
        first_grads, ins + vs, eps=eps, atol=atol, rtol=rtol, raise_exception=raise_exception
    )


def _fmt(m: np.ndarray) -> str:
    return "\n" + np.array2string(m, precision=6, max_line_width=100)
