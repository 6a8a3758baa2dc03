"""Indexing, gathering and joining tensors."""

from __future__ import annotations

from ..function_case import tagged
from ..inputs import fixed_index, uniform

case = tagged("indexing")


@case(inputs={"x": uniform(4, 5)})
def index_slice(T, x):
    """basic slicing x[1:, ::2] and an integer index x[0]"""
    return x[1:, ::2] * 2 + x[0, :3]


@case(inputs={"x": uniform(4, 3), "i": fixed_index([0, 2, 0, 3])})
def index_repeated(T, x, i):
    """x[i] with a repeated index: the gradient accumulates into row 0 twice"""
    return T.tanh(x[i])


@case(inputs={"x": uniform(2, 3), "y": uniform(4, 3)})
def cat(T, x, y):
    """cat([x, y], dim=0): (2, 3) and (4, 3) -> (6, 3)"""
    return T.cat([T.sin(x), y], dim=0)


@case(inputs={"x": uniform(2, 3), "y": uniform(2, 3)})
def stack(T, x, y):
    """stack([x, y, x * y], dim=1): (2, 3) each -> (2, 3, 3)"""
    return T.stack([x, y, x * y], dim=1)
