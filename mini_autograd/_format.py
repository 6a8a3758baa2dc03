"""torch-style printing of tensors: `tensor([1.0000, 2.5000], requires_grad=True)`, laid out as
torch's _tensor_str: every element padded to one width, as many per line as fit in 80 columns,
and tensors of more than 1000 elements summarised to their first and last 3 along each dim."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

_DEFAULTS = {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80}
_PROFILES = {
    "default": _DEFAULTS,
    "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80},
    "full": {"precision": 4, "threshold": math.inf, "edgeitems": 3, "linewidth": 80},
}
#: torch's PRINT_OPTS: more than `threshold` elements are summarised to `edgeitems` per end
OPTIONS: dict[str, Any] = {**_DEFAULTS, "sci_mode": None}


def set_printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """torch.set_printoptions: a profile ('default', 'short', 'full') and single options; as
    torch's, every call sets sci_mode (None: chosen per tensor)."""
    if profile is not None:
        OPTIONS.update(_PROFILES[profile])
    given = {"precision": precision, "threshold": threshold, "edgeitems": edgeitems}
    given["linewidth"] = linewidth
    OPTIONS.update({k: v for k, v in given.items() if v is not None})
    OPTIONS["sci_mode"] = sci_mode


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
    if OPTIONS["sci_mode"] is not None:
        sci = bool(OPTIONS["sci_mode"])
    precision = OPTIONS["precision"]
    if sci:
        fmt = f"{{:.{precision}e}}"
    elif int_mode:
        fmt = "{:.0f}."
    else:
        fmt = f"{{:.{precision}f}}"

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
    out, edge = values, OPTIONS["edgeitems"]
    for axis in range(values.ndim):
        if out.shape[axis] > 2 * edge:
            idx = list(range(edge)) + list(range(-edge, 0)) if edge else []
            out = np.take(out, idx, axis=axis)
    return out


def _vector(
    row: np.ndarray, indent: int, summarize: bool, fmt: Callable[[object], str], width: int
):
    per_line = max(1, math.floor((OPTIONS["linewidth"] - indent) / (width + 2)))
    items, edge = row.tolist(), OPTIONS["edgeitems"]
    if summarize and not edge:
        cells = ["..."]
    elif summarize and len(items) > 2 * edge:
        cells = [fmt(v) for v in items[:edge]] + [" ..."] + [fmt(v) for v in items[-edge:]]
    else:
        cells = [fmt(v) for v in items]
    lines = [", ".join(cells[i : i + per_line]) for i in range(0, len(cells), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested(values: np.ndarray, indent: int, summarize: bool, fmt, width: int) -> str:
    if values.ndim == 1:
        return _vector(values, indent, summarize, fmt, width)
    n, edge = values.shape[0], OPTIONS["edgeitems"]
    if summarize and n > 2 * edge:
        rows = list(range(edge)) + [None] + list(range(n - edge, n))
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
        summarize = values.size > OPTIONS["threshold"]
        shown = _summarised(values) if summarize else values
        if values.dtype.kind == "f":
            render, width = _float_formatter(shown)
        else:
            render = str
            width = max((len(str(v)) for v in shown.ravel().tolist()), default=1)
        fmt = lambda v: render(v).rjust(width)  # noqa: E731 - one line, used once
        if values.ndim == 0:
            body = render(values.item())
        else:
            body = _nested(values, len(prefix), summarize, fmt, width)
    tail = "".join(", " + e for e in extras)
    return f"{prefix}{body}{tail})"
