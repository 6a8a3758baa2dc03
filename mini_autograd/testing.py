"""torch.testing.assert_close: compare tensors, numbers and containers of them, failing with
torch's message (how many elements differ, the greatest absolute and relative difference and
where)."""

from __future__ import annotations

import collections.abc
from typing import Any

import numpy as np

from . import _dtype
from ._tensor import Size, Tensor

# torch's default (rtol, atol) per dtype; exact for integers and bools
_TOLERANCES = {np.dtype(np.float32): (1.3e-6, 1e-5), np.dtype(np.float64): (1e-7, 1e-7)}


def _tolerance(*dtypes: np.dtype) -> tuple[float, float]:
    pairs = [_TOLERANCES.get(d, (0.0, 0.0)) for d in dtypes]
    return max(p[0] for p in pairs), max(p[1] for p in pairs)


def _as_array(value: Any) -> tuple[np.ndarray, bool]:
    """(array, is_tensor_like): tensors and arrays keep their dtype; Python numbers become
    0-d arrays as torch makes them (float64, int64, bool)."""
    if isinstance(value, Tensor):
        return np.asarray(value._data), True
    if isinstance(value, np.ndarray):
        return value, True
    if isinstance(value, bool):
        return np.array(value), False
    if isinstance(value, int):
        return np.array(value, np.int64), False
    if isinstance(value, float):
        return np.array(value, np.float64), False
    raise TypeError(f"No comparison pair was able to handle inputs of type {type(value)}.")


def _fmt(x: Any) -> str:
    return repr(x.item() if isinstance(x, np.generic) else x)


def _mismatch(
    actual: np.ndarray, expected: np.ndarray, rtol: float, atol: float, equal_nan: bool
) -> str | None:
    """None if close, else torch's description of the mismatch."""
    if actual.dtype.kind == "b":
        actual, expected = actual.astype(np.uint8), expected.astype(np.uint8)
    with np.errstate(all="ignore"):
        close = np.isclose(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan)
        if actual.dtype.kind != "f":  # np.isclose works in float; integers compare exactly
            close = (actual == expected) | close if (rtol or atol) else actual == expected
        if close.all():
            return None
        equal = rtol == 0 and atol == 0
        allowed = (lambda tol: "") if equal else (lambda tol: f" (up to {tol} allowed)")
        if actual.ndim == 0:
            a, e = actual.item(), expected.item()
            abs_diff = abs(a - e)
            rel = abs_diff / abs(e) if e != 0 else (float("nan") if abs_diff == 0 else float("inf"))
            return (
                f"Scalars are not {'equal' if equal else 'close'}!\n\n"
                f"Expected {e!r} but got {a!r}.\n"
                f"Absolute difference: {abs_diff!r}{allowed(atol)}\n"
                f"Relative difference: {rel!r}{allowed(rtol)}"
            )
        a, e, match = actual.ravel(), expected.ravel(), close.ravel()
        if a.dtype.kind != "f":
            a, e = a.astype(np.int64), e.astype(np.int64)
        abs_diff = np.abs(a - e)
        abs_diff[match] = 0
        rel_dtype = a.dtype if a.dtype.kind == "f" else _dtype.get_default_dtype().np
        rel_diff = (abs_diff / np.abs(e)).astype(rel_dtype)
        rel_diff[match] = 0
    i_abs, i_rel = _argmax(abs_diff), _argmax(rel_diff)
    where = lambda i: tuple(int(k) for k in np.unravel_index(i, actual.shape))  # noqa: E731
    n, total = int((~match).sum()), match.size
    return (
        f"Tensor-likes are not {'equal' if equal else 'close'}!\n\n"
        f"Mismatched elements: {n} / {total} ({n / total:.1%})\n"
        f"Greatest absolute difference: {_fmt(abs_diff[i_abs])} at index {where(i_abs)}"
        f"{allowed(atol)}\n"
        f"Greatest relative difference: {_fmt(rel_diff[i_rel])} at index {where(i_rel)}"
        f"{allowed(rtol)}"
    )


def _argmax(values: np.ndarray) -> int:
    """torch.max's index: the first NaN if any (NaN propagates), else the first maximum."""
    nan = np.isnan(values) if values.dtype.kind == "f" else np.zeros(values.shape, bool)
    return int(np.argmax(nan)) if nan.any() else int(np.argmax(values))


def _compare(
    actual: Any,
    expected: Any,
    rtol: float | None,
    atol: float | None,
    equal_nan: bool,
    check_dtype: bool,
    path: str,
) -> str | None:
    if isinstance(expected, collections.abc.Mapping) and isinstance(
        actual, collections.abc.Mapping
    ):
        if set(actual) != set(expected):
            missing = sorted(set(expected) - set(actual), key=repr)
            extra = sorted(set(actual) - set(expected), key=repr)
            return (
                "The keys of the mappings do not match:\n"
                f"Missing keys in the actual mapping: {missing}\n"
                f"Extra keys in the actual mapping: {extra}"
            )
        for key in expected:
            msg = _compare(
                actual[key], expected[key], rtol, atol, equal_nan, check_dtype, f"{path}[{key!r}]"
            )
            if msg:
                return msg
        return None
    sequences = (list, tuple)
    if isinstance(expected, sequences) and isinstance(actual, sequences):
        if len(actual) != len(expected):
            return f"The length of the sequences mismatch: {len(actual)} != {len(expected)}"
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            msg = _compare(a, e, rtol, atol, equal_nan, check_dtype, f"{path}[{i}]")
            if msg:
                return msg
        return None
    a, a_tensor = _as_array(actual)
    e, e_tensor = _as_array(expected)
    if a_tensor != e_tensor and not (a_tensor and e_tensor):
        raise TypeError(
            "No comparison pair was able to handle inputs of type "
            f"{type(actual)} and {type(expected)}."
        )
    if a.shape != e.shape:
        return f"The values for attribute 'shape' do not match: {Size(a.shape)} != {Size(e.shape)}."
    if check_dtype and a.dtype != e.dtype:
        da, de = _dtype.from_numpy_dtype(a.dtype), _dtype.from_numpy_dtype(e.dtype)
        return f"The values for attribute 'dtype' do not match: {da} != {de}."
    if rtol is None:
        rtol, atol = _tolerance(a.dtype, e.dtype)
    if a.dtype != e.dtype:
        common = np.promote_types(a.dtype, e.dtype)
        a, e = a.astype(common), e.astype(common)
    return _mismatch(a, e, rtol, atol, equal_nan)


def assert_close(
    actual: Any,
    expected: Any,
    *,
    allow_subclasses: bool = True,
    rtol: float | None = None,
    atol: float | None = None,
    equal_nan: bool = False,
    check_device: bool = True,
    check_dtype: bool = True,
    check_layout: bool = True,
    check_stride: bool = False,
    msg: str | None = None,
) -> None:
    """Raise AssertionError unless |actual - expected| <= atol + rtol * |expected| everywhere
    (NaNs equal with equal_nan), with torch's default tolerances per dtype: float32 1.3e-6 /
    1e-5, float64 1e-7 / 1e-7, exact for integers and bools. Works through lists, tuples and
    dicts; the message is torch's."""
    if (rtol is None) != (atol is None):
        raise ValueError(
            "Both 'rtol' and 'atol' must be either specified or omitted, but got no "
            f"{'rtol' if rtol is None else 'atol'}."
        )
    found = _compare(actual, expected, rtol, atol, equal_nan, check_dtype, "")
    if found is None:
        return
    if msg is not None:
        raise AssertionError(msg)
    if isinstance(actual, dict | list | tuple):
        where = _failing_path(actual, expected, rtol, atol, equal_nan, check_dtype)
        if where:
            found += f"\n\nThe failure occurred for item {where}"
    raise AssertionError(found)


def _failing_path(actual: Any, expected: Any, *args: Any) -> str:
    """The [key][index] path of the first failing leaf of nested containers."""
    if isinstance(expected, collections.abc.Mapping) and isinstance(
        actual, collections.abc.Mapping
    ):
        if set(actual) != set(expected):
            return ""
        for key in expected:
            if _compare(actual[key], expected[key], *args, ""):
                return f"[{key!r}]" + _failing_path(actual[key], expected[key], *args)
    elif isinstance(expected, list | tuple) and isinstance(actual, list | tuple):
        if len(actual) != len(expected):
            return ""
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            if _compare(a, e, *args, ""):
                return f"[{i}]" + _failing_path(a, e, *args)
    return ""
