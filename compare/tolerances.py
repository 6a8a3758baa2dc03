"""The one table of tolerances: how close counts as equal, per dtype and per kind of reference."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

#: the dtypes every case runs in, in report order
DTYPES: tuple[str, ...] = ("float32", "float64")


@dataclass(frozen=True)
class Tol:
    """An assert_close tolerance: `|actual - expected| <= atol + rtol * |expected|`."""

    rtol: float
    atol: float

    def __str__(self) -> str:
        return f"rtol {self.rtol:g}, atol {self.atol:g}"


#: torch.testing.assert_close's defaults, used unless a case overrides them
DEFAULT: Mapping[str, Tol] = {
    "float32": Tol(rtol=1.3e-6, atol=1e-5),
    "float64": Tol(rtol=1e-7, atol=1e-7),
}

#: float64 gradients against central finite differences (step 1e-6 * max(1, |x|))
FINITE_DIFFERENCES = Tol(rtol=1e-5, atol=1e-5)
FD_STEP = 1e-6
#: finite differences sample at most this many elements of each input (2 forward passes each)
FD_MAX_ELEMENTS = 12

#: float32 accuracy: errors against float64 within this factor of each other are a tie
ACCURACY_TIE = 1.25

#: timing: best of this many forward+backward passes per framework
TIMING_REPEATS = 5


def tolerance(dtype: str, quantity: str, overrides: Mapping[str, Tol] | None = None) -> Tol:
    """The tolerance for one quantity ("value", "grad" or "2nd") of a case run in `dtype`.

    A case overrides with keys like "float32" (all its quantities in float32) or "float32 2nd"
    (only its second-order gradients in float32); the more specific key wins. Quantity "fd"
    (gradients against finite differences) has its own key, "fd".
    """
    overrides = overrides or {}
    if quantity == "fd":
        return overrides.get("fd", FINITE_DIFFERENCES)
    for key in (f"{dtype} {quantity}", dtype):
        if key in overrides:
            return overrides[key]
    return DEFAULT[dtype]


def describe_defaults() -> str:
    """One line for report headers, e.g. "float32: rtol 1.3e-06, atol 1e-05; float64: ..."."""
    return "; ".join(f"{dtype}: {tol}" for dtype, tol in DEFAULT.items())
