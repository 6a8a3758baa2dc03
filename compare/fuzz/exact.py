"""A 50-digit reference for values, where it is cheap: programs of elementwise unary ops (and
arithmetic with a Python scalar) evaluated element by element with mpmath."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from .program import Program

try:
    import mpmath
except ImportError:  # pragma: no cover - mpmath comes with torch (sympy)
    mpmath = None

DIGITS = 50


def _unary() -> dict[str, Callable]:
    mp = mpmath
    return {
        "exp": mp.exp, "expm1": mp.expm1, "log": mp.log, "log1p": mp.log1p,
        "log2": lambda x: mp.log(x, 2), "sqrt": mp.sqrt, "rsqrt": lambda x: 1 / mp.sqrt(x),
        "reciprocal": lambda x: 1 / x, "sin": mp.sin, "cos": mp.cos, "tan": mp.tan,
        "tanh": mp.tanh, "sigmoid": lambda x: 1 / (1 + mp.exp(-x)), "erf": mp.erf,
        "abs": abs, "neg": lambda x: -x, "square": lambda x: x * x,
    }  # fmt: skip


_SCALAR = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a**b,
}


def exact_value(program: Program, arrays: Mapping[str, np.ndarray]) -> np.ndarray | None:
    """The program's output to DIGITS digits (rounded to float64), or None if not cheap."""
    if mpmath is None or len(program.inputs) != 1:
        return None
    unary = _unary()
    steps = []
    for node in program.nodes:
        if node.op in unary:
            steps.append(unary[node.op])
        elif node.op in _SCALAR and len(node.args) == 1:
            f, c, rev = _SCALAR[node.op], node.params["const"], node.params.get("rev")
            steps.append(lambda x, f=f, c=c, rev=rev: f(mpmath.mpf(c), x) if rev else f(x, c))
        else:
            return None
    with mpmath.workdps(DIGITS):

        def element(x: float) -> float:
            v = mpmath.mpf(x)
            for step in steps:
                v = step(v)
            return float(v)

        x = np.asarray(arrays[program.inputs[0].name], dtype=np.float64)
        return np.vectorize(element, otypes=[np.float64])(x) if x.size else x.copy()
