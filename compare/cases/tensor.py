"""Tensor semantics: broadcasting, reductions, shapes, matmul, operators."""

from __future__ import annotations

from ..function_case import tagged
from ..inputs import uniform

case = tagged("tensor")

# --- broadcasting ---------------------------------------------------------------------------


@case(inputs={"x": uniform(3, 1), "y": uniform(1, 4)})
def broadcast_outer(T, x, y):
    """(3, 1) * (1, 4) + (3, 1) -> (3, 4): gradients sum over the broadcast dims"""
    return x * y + x


@case(inputs={"x": uniform(4, 3), "b": uniform(3)})
def broadcast_bias(T, x, b):
    """(4, 3) + (3,): a bias row added to every row"""
    return T.tanh(x + b)


@case(inputs={"x": uniform(2, 3), "s": uniform()})
def broadcast_scalar_tensor(T, x, s):
    """(2, 3) * () - (): a 0-d tensor against a matrix"""
    return x * s - s


@case(inputs={"x": uniform(2, 3, 4), "y": uniform(3, 1, low=0.5, high=2)})
def broadcast_divide(T, x, y):
    """(2, 3, 4) / (3, 1): leading dim added, last dim stretched"""
    return x / y


# --- reductions -----------------------------------------------------------------------------


@case(inputs={"x": uniform(3, 4)})
def sum_all(T, x):
    """sum of exp(x) over all elements"""
    return T.sum(T.exp(x))


@case(inputs={"x": uniform(3, 4)})
def sum_dim_keepdim(T, x):
    """x * x.sum(dim=1, keepdim=True): a reduction broadcast back"""
    return x * x.sum(dim=1, keepdim=True)


@case(inputs={"x": uniform(2, 3, 4)})
def sum_dims(T, x):
    """x.sum(dim=(0, 2)) of sin(x): several dims at once"""
    return T.sin(x).sum(dim=(0, 2))


@case(inputs={"x": uniform(3, 4)})
def mean_dim(T, x):
    """mean over dim 0, and over all elements"""
    return T.mean(x**2, dim=0) + x.mean()


@case(inputs={"x": uniform(2, 3, 4)})
def mean_negative_dim(T, x):
    """mean over dim -1, keepdim: centring the last axis"""
    return x - x.mean(dim=-1, keepdim=True)


# --- shapes ---------------------------------------------------------------------------------


@case(inputs={"x": uniform(2, 6), "y": uniform(4, 3)})
def reshape_transpose(T, x, y):
    """x.reshape(3, 4).transpose(0, 1) * y"""
    return x.reshape(3, 4).transpose(0, 1) * y


@case(inputs={"x": uniform(2, 3, 4)})
def reshape_infer(T, x):
    """x.reshape(-1, 4) and x.reshape(6, -1) with an inferred dim"""
    return x.reshape(-1, 4) * 2 + x.reshape(6, -1)


# --- matmul ---------------------------------------------------------------------------------


@case(inputs={"a": uniform(2, 3), "b": uniform(3, 4), "c": uniform(4, 2)})
def matmul_chain(T, a, b, c):
    """a @ b @ c: (2, 3) @ (3, 4) @ (4, 2)"""
    return a @ b @ c


@case(inputs={"a": uniform(3, 4), "v": uniform(4)})
def matmul_vector(T, a, v):
    """matrix @ vector -> vector"""
    return T.matmul(a, v)


@case(inputs={"u": uniform(5), "v": uniform(5)})
def matmul_dot(T, u, v):
    """vector @ vector -> 0-d"""
    return u @ v


@case(inputs={"a": uniform(2, 3, 4), "b": uniform(4, 5)})
def matmul_batched(T, a, b):
    """(2, 3, 4) @ (4, 5): a batch against one matrix"""
    return a @ b


@case(inputs={"a": uniform(2, 3)}, tags="error", raises=RuntimeError)
def matmul_shape_mismatch(T, a):
    """(2, 3) @ (2, 3) is an error in torch; the candidate must raise the same type"""
    return a @ a


# --- operators ------------------------------------------------------------------------------


@case(inputs={"x": uniform(4, low=0.5, high=2), "y": uniform(4, low=-1, high=2)})
def power(T, x, y):
    """x ** 3, x ** 0.5, x ** -1 and x ** y (a tensor exponent)"""
    return x**3 + x**0.5 + x**-1 + x**y


@case(inputs={"x": uniform(4, low=0.5, high=2)})
def reflected_operators(T, x):
    """2 - x, 1 / x, 2 ** x, -x: Python numbers on the left"""
    return (2 - x) * (1 / x) + 2**x - x


@case(inputs={"x": uniform(4, low=0.1, high=3)})
def log(T, x):
    """log(x) and log(1 + exp(x)) (softplus by hand)"""
    return T.log(x) + T.log(1 + T.exp(x))


@case(inputs={"x": uniform(6)})
def relu(T, x):
    """relu(x) * x: kinked at 0, where torch's gradient is 0"""
    return T.relu(x) * x


@case(inputs={"x": uniform(2, 3), "y": uniform(2, 3)})
def arithmetic(T, x, y):
    """(x + y) * (x - y) / (1 + y * y)"""
    return (x + y) * (x - y) / (1 + y * y)
