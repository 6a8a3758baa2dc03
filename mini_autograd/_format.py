"""torch-style printing of tensors: `tensor([1.0000, 2.5000], requires_grad=True)`."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

_PRECISION = 4
_THRESHOLD = 1000  # more elements than this are summarised with "..."
_EDGEITEMS = 3


def _float_formatter(values: np.ndarray) -> Callable[[float], str]:
    """torch's _Formatter: integer mode '1.', fixed '{:.4f}', or scientific '{:.4e}'."""
    finite = values[np.isfinite(values)]
    nonzero = np.abs(finite[finite != 0])
    int_mode = bool(np.all(finite == np.ceil(finite)))
    sci = False
    if nonzero.size:
        hi, lo = float(nonzero.max()), float(nonzero.min())
        sci = hi / lo > 1000.0 or hi > 1e8 or (not int_mode and lo < 1e-4)
    if sci:
        fmt = f"{{:.{_PRECISION}e}}"
    elif int_mode:
        fmt = "{:.0f}."
    else:
        fmt = f"{{:.{_PRECISION}f}}"

    def render(v: float) -> str:
        if np.isnan(v):
            return "nan"
        if np.isinf(v):
            return "inf" if v > 0 else "-inf"
        return fmt.format(v)

    shown = values if values.size <= _THRESHOLD else _edges(values)
    # as torch, the width comes from the finite values; nan and inf are padded to it
    width = max((len(render(v)) for v in shown.ravel() if np.isfinite(v)), default=0)
    return lambda v: render(v).rjust(width)


def _edges(values: np.ndarray) -> np.ndarray:
    """The elements a summarised print shows (the first and last few along every dimension)."""
    out = values
    for axis in range(values.ndim):
        if out.shape[axis] > 2 * _EDGEITEMS:
            idx = list(range(_EDGEITEMS)) + list(range(-_EDGEITEMS, 0))
            out = np.take(out, idx, axis=axis)
    return out


def format_tensor(values: np.ndarray, extras: list[str], prefix: str = "tensor(") -> str:
    """The repr of a tensor holding `values`, with `extras` such as 'requires_grad=True'."""
    if values.size == 0:
        body = "[]"
        if values.ndim != 1:
            extras = [f"size={tuple(values.shape)}", *extras]
    else:
        kind = values.dtype.kind
        if kind == "f":
            formatter = {"float_kind": _float_formatter(values)}
        elif kind == "b":
            width = 5 if not values.all() else 4
            formatter = {"bool": lambda v: str(bool(v)).rjust(width)}
        else:
            formatter = {"int": lambda v: str(int(v))}
        body = np.array2string(
            values,
            separator=", ",
            prefix=prefix,
            formatter=formatter,
            threshold=_THRESHOLD,
            edgeitems=_EDGEITEMS,
            max_line_width=80,
        )
    tail = "".join(", " + e for e in extras)
    return f"{prefix}{body}{tail})"
