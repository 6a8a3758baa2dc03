"""Shape and layout ops: squeeze, permute, flatten, split, expand, and the matmul family."""

from __future__ import annotations

from ..function_case import tagged
from ..inputs import fixed_index, index, uniform

case = tagged("shape")


@case(inputs={"x": uniform(2, 1, 3)})
def squeeze_unsqueeze(T, x):
    """squeeze(1), then unsqueeze(0) and unsqueeze(-1)"""
    y = x.squeeze(1)
    return T.unsqueeze(y, 0) * T.unsqueeze(y, -1).sum()


@case(inputs={"x": uniform(2, 3, 4)})
def permute_flatten(T, x):
    """permute(2, 0, 1) then flatten(1) and flatten()"""
    y = x.permute(2, 0, 1)
    return T.flatten(y, 1) * 2 + y.flatten().sum()


@case(inputs={"x": uniform(6, 4)})
def split_chunk(T, x):
    """split(x, 2) and chunk(x, 3, dim=1): pieces recombined unevenly"""
    a, b, c = T.split(x, 2)
    p, q = x.chunk(2, dim=1)
    return a * b + c * 2 + (p - q).sum()


@case(inputs={"x": uniform(3, 1), "y": uniform(4)})
def expand_broadcast_to(T, x, y):
    """x.expand(3, 4) * broadcast_to(y, (3, 4)): gradients summed back"""
    return x.expand(3, 4) * T.broadcast_to(y, (3, 4))


@case(inputs={"u": uniform(3), "v": uniform(4), "w": uniform(3)})
def outer_dot(T, u, v, w):
    """outer(u, v) scaled by dot(u, w)"""
    return T.outer(u, v) * T.dot(u, w)


@case(inputs={"a": uniform(2, 3, 4), "b": uniform(2, 4, 5), "c": uniform(5, 3)})
def bmm_mm(T, a, b, c):
    """bmm(a, b), then each batch @ c with mm, and .mT"""
    ab = T.bmm(a, b)
    return T.stack([T.mm(ab[0], c), T.mm(ab[1], c).mT.t()])


@case(inputs={"table": uniform(6, 3), "i": fixed_index([[0, 2], [5, 2]])})
def embedding(T, table, i):
    """nn.functional.embedding: rows of a table by index, a repeated row accumulating"""
    return T.nn.functional.embedding(i, table) * 2


@case(inputs={"x": uniform(4, 5), "i": index(4, 3, high=5)})
def gather(T, x, i):
    """gather(x, 1, i) with random (possibly repeated) column indices"""
    return T.gather(x, 1, i)
