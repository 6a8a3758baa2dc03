"""Reductions beyond sum and mean: products, spreads, norms, extrema, logsumexp."""

from __future__ import annotations

from ..function_case import tagged
from ..inputs import fixed, uniform

case = tagged("reduction")


@case(inputs={"x": uniform(3, 4, low=0.5, high=1.5)})
def prod(T, x):
    """prod over dim 1 and over everything"""
    return T.prod(x, dim=1) * T.prod(x) ** 0.1


@case(inputs={"x": fixed([[2.0, 0.0, 3.0], [0.0, 0.0, 4.0], [1.0, 2.0, 3.0]])})
def prod_with_zeros(T, x):
    """prod over rows holding one zero, two zeros, none: the gradient at a lone zero is not 0"""
    return x.prod(dim=1)


@case(inputs={"x": uniform(4, 5, low=-2, high=2)})
def var_std(T, x):
    """var over dim 1 (unbiased), std over dim 0, std over everything"""
    return T.var(x, dim=1).sum() + x.std(dim=0).sum() + x.std()


@case(inputs={"x": uniform(3, 4)})
def norm(T, x):
    """norm over everything, and over dim 1"""
    return T.norm(x) + x.norm(dim=1).sum()


@case(inputs={"x": uniform(3, 5, low=-50, high=50)})
def logsumexp(T, x):
    """logsumexp over dim 1 of logits up to 50: stable, and its gradient is softmax"""
    return T.logsumexp(x, dim=1)


@case(inputs={"x": uniform(3, 5)})
def min_amin(T, x):
    """min over everything, amin over dim 0 and x.min(dim=1) values"""
    return T.min(x) + T.amin(x, dim=0).sum() + x.min(dim=1)[0].sum()


@case(inputs={"x": uniform(3, 5)})
def max_keepdim(T, x):
    """x - x.amax(dim=1, keepdim=True), the shift a stable softmax starts with"""
    return x - x.amax(dim=1, keepdim=True)


@case(inputs={"x": uniform(4, 5)})
def argmax_gather(T, x):
    """gather the row maxima via argmax indices: an integer path that carries no gradient"""
    i = T.argmax(x, dim=1, keepdim=True)
    return T.gather(x, 1, i) * 2
