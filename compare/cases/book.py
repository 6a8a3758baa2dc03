"""The seed examples and the DeZero book's test functions (the book's steps in parentheses)."""

from __future__ import annotations

import math

from ..function_case import tagged
from ..inputs import fixed, uniform

case = tagged("book")

# --- the seed examples ----------------------------------------------------------------------


@case(inputs={"x": fixed(0.5)}, tags="seed")
def square_exp_square(T, x):
    """y = square(exp(square(x))) at x = 0.5 (step 9): dy/dx = 3.297442541400256"""
    return T.square(T.exp(T.square(x)))


@case(inputs={"x": uniform(5, low=-2, high=2)}, tags="seed")
def exp(T, x):
    """exp(x), elementwise"""
    return T.exp(x)


@case(inputs={"x": uniform(5, low=-4, high=4)}, tags="seed")
def sigmoid(T, x):
    """sigmoid(x) = 1 / (1 + exp(-x)), elementwise"""
    return T.sigmoid(x)


@case(inputs={"x": uniform(5, low=-2, high=2)}, tags="seed")
def tanh(T, x):
    """tanh(x), elementwise (step 35 takes its higher derivatives)"""
    return T.tanh(x)


@case(inputs={"x": uniform(2, 3, low=-2, high=2), "y": uniform(2, 3)}, tags="seed")
def tanh_sigmoid(T, x, y):
    """sigmoid(tanh(x)) * y"""
    return T.sigmoid(T.tanh(x)) * y


# --- optimisation test functions (steps 24-29) ----------------------------------------------


@case(inputs={"x": fixed(1.0), "y": fixed(1.0)})
def sphere(T, x, y):
    """sphere(x, y) = x^2 + y^2 at (1, 1) (step 24): gradient (2, 2)"""
    return x**2 + y**2


@case(inputs={"x": fixed(1.0), "y": fixed(1.0)})
def matyas(T, x, y):
    """matyas(x, y) = 0.26 (x^2 + y^2) - 0.48 x y at (1, 1) (step 24): gradient (0.04, 0.04)"""
    return 0.26 * (x**2 + y**2) - 0.48 * x * y


@case(inputs={"x": fixed(1.0), "y": fixed(1.0)})
def goldstein_price(T, x, y):
    """Goldstein-Price at (1, 1) (step 24): value 1876, gradient (-5376, 8064)"""
    a = 1 + (x + y + 1) ** 2 * (19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2)
    b = 30 + (2 * x - 3 * y) ** 2 * (18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2)
    return a * b


@case(inputs={"x0": fixed(0.0), "x1": fixed(2.0)})
def rosenbrock(T, x0, x1):
    """Rosenbrock 100 (x1 - x0^2)^2 + (1 - x0)^2 at (0, 2) (step 28): gradient (-2, 400)"""
    return 100 * (x1 - x0**2) ** 2 + (1 - x0) ** 2


@case(inputs={"x0": uniform(6, low=-1.5, high=1.5), "x1": uniform(6, low=-0.5, high=2.0)})
def rosenbrock_batch(T, x0, x1):
    """Rosenbrock on a batch of points, summed"""
    return T.sum(100 * (x1 - x0**2) ** 2 + (1 - x0) ** 2)


@case(inputs={"x": fixed(2.0)})
def quartic(T, x):
    """f(x) = x^4 - 2 x^2 at x = 2 (steps 29, 33): f' = 24, f'' = 44 (Newton's method)"""
    return x**4 - 2 * x**2


@case(inputs={"x": fixed(math.pi / 4)})
def taylor_sin(T, x):
    """sin(x) by its Taylor series, 8 terms, at pi/4 (step 27)"""
    y = 0 * x
    for i in range(8):
        y = y + (-1) ** i / math.factorial(2 * i + 1) * x ** (2 * i + 1)
    return y


@case(inputs={"x": fixed(math.pi / 4)})
def sin(T, x):
    """sin(x) at pi/4 (step 27): the value the Taylor series approximates"""
    return T.sin(x)


@case(inputs={"x": fixed(1.0)})
def sin_cos(T, x):
    """cos(sin(x)) at x = 1 (step 34 differentiates sin repeatedly)"""
    return T.cos(T.sin(x))


@case(inputs={"x": fixed(3.0)})
def add_reused(T, x):
    """y = x + x + x at x = 3 (step 14, reusing a variable): dy/dx = 3"""
    return x + x + x


@case(inputs={"x": fixed(2.0)})
def diamond(T, x):
    """a = x^2; y = a^2 + a^2 at x = 2 (step 16, generations): y = 32, dy/dx = 64"""
    a = T.square(x)
    return T.square(a) + T.square(a)


@case(inputs={"x": fixed(2.0)})
def double_backprop(T, x):
    """z = (dy/dx)^3 + y with y = x^2, through autograd.grad (step 36): dz/dx = 100 at x = 2"""
    y = x**2
    (gx,) = T.autograd.grad(y, [x], create_graph=True)
    return gx**3 + y


@case(
    inputs={
        "x": uniform(10, 1, low=0, high=1, requires_grad=False),
        "w": fixed([[0.0]]),
        "b": fixed([0.0]),
    }
)
def linear_regression(T, x, w, b):
    """Mean squared error of y = x @ w + b against 5 + 2x + noise (step 42), at w = b = 0"""
    noise = T.sin(x * 37.0) * 0.1  # deterministic "noise", the same in both frameworks
    target = 5 + 2 * x + noise
    return T.mean((x @ w + b - target) ** 2)
