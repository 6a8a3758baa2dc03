"""torch-style printing of tensors: `tensor([1.0000, 2.5000], requires_grad=True)`, laid out as
torch's _tensor_str: every element padded to one width, as many per line as fit in 80 columns,
and tensors of more than 1000 elements summarised to their first and last 3 along each dim."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

_PRECISION = 4
_THRESHOLD = 1000  # more elements than this are summarised with "..."
_EDGEITEMS = 3
_LINEWIDTH = 80


def _float_formatter(shown: np.ndarray) -> tuple[Callable[[float], str], int]:
    """torch's _Formatter: integer mode '1.', fixed '{:.4f}', or scientific '{:.4e}'; the width
    comes from the nonzero finite values (nan, inf and zeros are padded to it)."""
    finite = shown[np.isfinite(shown)].astype(np.float64)
    nonzero = np.abs(finite[finite != 0])
    int_mode = bool(np.all(nonzero == np.ceil(nonzero)))
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

    width = max((len(render(float(v))) for v in finite[finite != 0]), default=1)
    return render, width


def _summarised(values: np.ndarray) -> np.ndarray:
    """The elements a summarised print shows (the first and last few along every dimension)."""
    out = values
    for axis in range(values.ndim):
        if out.shape[axis] > 2 * _EDGEITEMS:
            idx = list(range(_EDGEITEMS)) + list(range(-_EDGEITEMS, 0))
            out = np.take(out, idx, axis=axis)
    return out


def _vector(
    row: np.ndarray, indent: int, summarize: bool, fmt: Callable[[object], str], width: int
):
    per_line = max(1, math.floor((_LINEWIDTH - indent) / (width + 2)))
    items = row.tolist()
    if summarize and len(items) > 2 * _EDGEITEMS:
        cells = [fmt(v) for v in items[:_EDGEITEMS]] + [" ..."]
        cells += [fmt(v) for v in items[-_EDGEITEMS:]]
    else:
        cells = [fmt(v) for v in items]
    lines = [", ".join(cells[i : i + per_line]) for i in range(0, len(cells), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested(values: np.ndarray, indent: int, summarize: bool, fmt, width: int) -> str:
    if values.ndim == 1:
        return _vector(values, indent, summarize, fmt, width)
    n = values.shape[0]
    if summarize and n > 2 * _EDGEITEMS:
        rows = list(range(_EDGEITEMS)) + [None] + list(range(n - _EDGEITEMS, n))
    else:
        rows = list(range(n))
    slices = [
        "..." if i is None else _nested(values[i], indent + 1, summarize, fmt, width) for i in rows
    ]
    return "[" + ("," + "\n" * (values.ndim - 1) + " " * (indent + 1)).join(slices) + "]"


def format_tensor(values: np.ndarray, extras: list[str], prefix: str = "tensor(") -> str:
    """The repr of a tensor holding `values`, with `extras` such as 'requires_grad=True'."""
    if values.size == 0:
        body = "[]"
        if values.ndim != 1:
            extras = [f"size={tuple(values.shape)}", *extras]
    else:
        summarize = values.size > _THRESHOLD
        shown = _summarised(values) if summarize else values
        if values.dtype.kind == "f":
            render, width = _float_formatter(shown)
        else:
            render = str
            width = max(len(str(v)) for v in shown.ravel().tolist())
        fmt = lambda v: render(v).rjust(width)  # noqa: E731 - one line, used once
        if values.ndim == 0:
            body = render(values.item())
        else:
            body = _nested(values, len(prefix), summarize, fmt, width)
    tail = "".join(", " + e for e in extras)
    return f"{prefix}{body}{tail})"
