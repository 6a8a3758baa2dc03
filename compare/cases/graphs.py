"""Graph structure: reused subexpressions, a deep chain, no_grad, detach, unused inputs."""

from __future__ import annotations

from ..function_case import tagged
from ..inputs import const, uniform

case = tagged("graph")


@case(inputs={"x": uniform(4), "y": uniform(4)})
def reused_subexpression(T, x, y):
    """a = tanh(x) used four times: a * a + a * y + sin(a)"""
    a = T.tanh(x)
    return a * a + a * y + T.sin(a)


@case(inputs={"x": uniform(3)})
def fan_out_fan_in(T, x):
    """one input feeding three branches that meet again: exp(x) * sin(x) + x^2"""
    return T.exp(x) * T.sin(x) + x**2


@case(inputs={"x": uniform(4, low=-2, high=2)})
def deep_chain(T, x):
    """400 steps of y = y + 0.05 sin(y): 1200 nodes deep, past Python's recursion limit"""
    y = x
    for _ in range(400):
        y = y + 0.05 * T.sin(y)
    return y


# finite differences see through no_grad and detach, so they are no reference for these two
@case(inputs={"x": uniform(3)}, finite_differences=False)
def no_grad_constant(T, x):
    """c = 2x computed under no_grad is a constant: y = c * x, so dy/dx = 2x, not 4x"""
    with T.no_grad():
        c = x * 2
    return c * x


@case(inputs={"x": uniform(3)}, finite_differences=False)
def detach(T, x):
    """y = x * x.detach(): the detached factor is a constant, so dy/dx = x"""
    return x * x.detach()


@case(inputs={"x": uniform(3), "c": const(3)})
def mixed_requires_grad(T, x, c):
    """x requires grad, c does not: y = sin(x * c) + c"""
    return T.sin(x * c) + c


@case(inputs={"x": uniform(3), "y": uniform(3)})
def unused_input(T, x, y):
    """y requires grad but is not used: its .grad stays None"""
    return T.exp(x)


@case(inputs={"x": uniform(2, 3)})
def view_chain(T, x):
    """reshape, transpose and back again, with ops in between"""
    a = T.tanh(x).reshape(3, 2)
    b = a.transpose(0, 1) * x
    return b.reshape(6) * 2


def _softplus_function(T):
    """A user-defined op with torch's autograd.Function API, the same class body for both."""

    class SoftPlus(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return T.log1p(T.exp(-x.abs())) + T.relu(x)

        @staticmethod
        def backward(ctx, gy):
            (x,) = ctx.saved_tensors
            return gy * T.sigmoid(x)

    return SoftPlus


@case(inputs={"x": uniform(2, 3, low=-3, high=3)})
def custom_function(T, x):
    """softplus as a user-defined autograd.Function (forward and backward with ctx), then tanh"""
    return T.tanh(_softplus_function(T).apply(x))
