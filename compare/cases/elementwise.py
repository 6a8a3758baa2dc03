"""Elementwise ops beyond the first few: roots, logs, trig, erf, and the kinked ones."""

from __future__ import annotations

from ..function_case import tagged
from ..inputs import fixed, uniform

case = tagged("elementwise")


@case(inputs={"x": uniform(6, low=0.2, high=3)})
def roots(T, x):
    """sqrt(x) + rsqrt(x) + reciprocal(x)"""
    return T.sqrt(x) + T.rsqrt(x) + T.reciprocal(x)


@case(inputs={"x": uniform(6, low=-0.9, high=2)})
def log1p_expm1(T, x):
    """log1p(x) * expm1(x) + log2(x + 1): accurate near 0"""
    return T.log1p(x) * T.expm1(x) + T.log2(x + 1)


@case(inputs={"x": uniform(6, low=-1.2, high=1.2)})
def tan_erf(T, x):
    """tan(x) + erf(2x)"""
    return T.tan(x) + T.erf(2 * x)


@case(inputs={"x": fixed([-2.0, -0.5, 0.0, 0.5, 2.0])}, finite_differences=False)
def abs_sign_at_zero(T, x):
    """abs(x) * 3 + sign(x) * x: at 0 torch's gradient of abs is 0, sign's is 0 everywhere"""
    return T.abs(x) * 3 + T.sign(x) * x


@case(inputs={"x": fixed([-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0])}, finite_differences=False)
def clamp_at_bounds(T, x):
    """clamp(x, -1, 1) * x: the gradient passes at the bounds themselves, as torch's does"""
    return T.clamp(x, min=-1.0, max=1.0) * x


@case(inputs={"x": uniform(2, 4, low=-2, high=2)})
def clamp_one_sided(T, x):
    """clamp(x, min=0) + x.clamp(max=0.5) + clip(x, -1, 1)"""
    return T.clamp(x, min=0.0) + x.clamp(max=0.5) + T.clip(x, -1.0, 1.0)


@case(inputs={"x": fixed([1.0, 2.0, 3.0, -1.0]), "y": fixed([1.0, 3.0, 2.0, -1.0])},
      finite_differences=False)  # fmt: skip
def maximum_minimum_ties(T, x, y):
    """maximum(x, y) + 2 minimum(x, y) with ties at 0 and 3: torch splits a tie's gradient"""
    return T.maximum(x, y) + 2 * T.minimum(x, y)


@case(inputs={"x": uniform(3, 4), "y": uniform(3, 4)})
def where(T, x, y):
    """where(x > y, x * y, exp(y)): the gradient flows only through the chosen branch"""
    return T.where(x > y, x * y, T.exp(y))


@case(inputs={"x": uniform(3, 4), "y": uniform(4)})
def where_broadcast(T, x, y):
    """where(x > 0, x, y): a (4,) branch broadcast against (3, 4)"""
    return T.where(x > 0, x, y)
