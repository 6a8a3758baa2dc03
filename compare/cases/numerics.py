"""Numerically delicate cases: huge logits, ties, infinities and NaN, saturation, overflow."""

from __future__ import annotations

from ..function_case import tagged
from ..inputs import fixed, uniform

case = tagged("numerics")

TIES = [[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, 2.0, 2.0], [5.0, 1.0, 5.0, -1.0]]


@case(inputs={"x": uniform(3, 5, low=-1000, high=1000)})
def log_softmax_huge_logits(T, x):
    """log_softmax of logits in [-1000, 1000): a naive exp overflows, a stable one does not"""
    return T.nn.functional.log_softmax(x, dim=1)


@case(inputs={"x": uniform(3, 5, low=-1000, high=1000)})
def softmax_huge_logits(T, x):
    """softmax of logits in [-1000, 1000)"""
    return T.softmax(x, dim=-1)


@case(inputs={"x": fixed(TIES)}, finite_differences=False)
def max_ties(T, x):
    """max over all elements with a tie (two 5s): torch splits the gradient evenly"""
    return T.max(x)


@case(inputs={"x": fixed(TIES)}, finite_differences=False)
def amax_ties(T, x):
    """amax over dim 1 with ties in every row: the gradient is split evenly among them"""
    return T.amax(x, dim=1)


@case(inputs={"x": fixed(TIES)}, finite_differences=False)
def max_dim_ties(T, x):
    """x.max(dim=1) values with ties: the whole gradient goes to the index max returns"""
    return x.max(dim=1)[0]


@case(inputs={"x": fixed([-1.0, 0.0, 0.5, 2.0])}, finite_differences=False)
def log_nonpositive(T, x):
    """log at -1, 0, 0.5, 2: NaN and -inf in the value, inf in the gradient, at the same places"""
    return T.log(x)


@case(inputs={"x": fixed([-100.0, -30.0, 0.0, 30.0, 100.0])})
def saturation(T, x):
    """tanh(x) + sigmoid(x) far into saturation: values +-1/0/1, gradients underflow to 0"""
    return T.tanh(x) + T.sigmoid(x)


@case(inputs={"x": fixed([10.0, 80.0, 90.0, 100.0])})
def exp_overflow(T, x):
    """exp(x) up to e^100: inf in float32 (past 88.7) at the same places in both"""
    return T.exp(x)


@case(inputs={"x": uniform(4, low=-1, high=1)})
def tiny_and_huge(T, x):
    """x * 1e-30 + x * 1e30: values of very different magnitudes side by side"""
    return x * 1e-30 + (x * 1e30) * 1e-30
