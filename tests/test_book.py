"""DeZero's stages 1-3, reproduced through the torch-named API in float64 (the book's numbers)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import mini_autograd as ma


def f64(value: float) -> ma.Tensor:
    return ma.tensor(value, dtype=ma.float64, requires_grad=True)


def test_square_exp_square_at_half_has_the_books_gradient():
    x = f64(0.5)
    y = ma.square(ma.exp(ma.square(x)))
    y.backward()
    assert y.item() == 1.648721270700128
    assert x.grad.item() == 3.297442541400256


def test_numerical_diff_matches_the_book():
    x = ma.tensor(2.0, dtype=ma.float64)
    assert ma.autograd.numerical_diff(ma.square, x).item() == pytest.approx(
        4.000000000004, abs=1e-15
    )
    f = lambda t: ma.square(ma.exp(ma.square(t)))  # noqa: E731
    assert ma.autograd.numerical_diff(f, ma.tensor(0.5, dtype=ma.float64)).item() == pytest.approx(
        3.2974426293330694, abs=1e-12
    )


def sphere(x, y):
    return x**2 + y**2


def matyas(x, y):
    return 0.26 * (x**2 + y**2) - 0.48 * x * y


def goldstein(x, y):
    return (1 + (x + y + 1) ** 2 * (19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2)) * (
        30 + (2 * x - 3 * y) ** 2 * (18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2)
    )


def rosenbrock(x0, x1):
    return 100 * (x1 - x0**2) ** 2 + (x0 - 1) ** 2


@pytest.mark.parametrize(
    ("fn", "point", "expected"),
    [
        (sphere, (1.0, 1.0), (2.0, 2.0)),
        (matyas, (1.0, 1.0), (0.040000000000000036, 0.040000000000000036)),
        (goldstein, (1.0, 1.0), (-5376.0, 8064.0)),
        (rosenbrock, (0.0, 2.0), (-2.0, 400.0)),
    ],
    ids=["sphere", "matyas", "goldstein-price", "rosenbrock"],
)
def test_book_functions_have_the_books_gradients(fn, point, expected):
    x, y = f64(point[0]), f64(point[1])
    fn(x, y).backward()
    assert (x.grad.item(), y.grad.item()) == expected
    # and the same as torch, bit for bit where the arithmetic is the same
    tx, ty = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in point)
    fn(tx, ty).backward()
    assert x.grad.item() == pytest.approx(tx.grad.item(), rel=1e-15)
    assert y.grad.item() == pytest.approx(ty.grad.item(), rel=1e-15)


def _rosenbrock_descent(T, iters: int, lr: float = 0.001):
    x0 = T.tensor(0.0, dtype=T.float64, requires_grad=True)
    x1 = T.tensor(2.0, dtype=T.float64, requires_grad=True)
    for _ in range(iters):
        y = rosenbrock(x0, x1)
        x0.grad = x1.grad = None
        y.backward()
        with T.no_grad():
            x0 -= lr * x0.grad
            x1 -= lr * x1.grad
    return x0.item(), x1.item()


def test_rosenbrock_gradient_descent_follows_the_hand_derived_gradient():
    ours = _rosenbrock_descent(ma, 1000)
    # the same descent with the gradient derived by hand, in plain Python floats
    a, b = 0.0, 2.0
    for _ in range(1000):
        ga = -400 * a * (b - a * a) + 2 * (a - 1)
        gb = 200 * (b - a * a)
        a, b = a - 0.001 * ga, b - 0.001 * gb
    assert ours == pytest.approx((a, b), rel=1e-12)
    assert ours == pytest.approx(_rosenbrock_descent(torch, 1000), rel=1e-12)
    assert ours[0] == pytest.approx(0.6837118569138317, rel=1e-9)  # the book's value


def test_newton_on_quartic_reaches_one_in_seven_steps():
    x = f64(2.0)
    seen = [x.item()]
    for _ in range(7):
        y = x**4 - 2 * x**2
        (gx,) = ma.autograd.grad(y, x, create_graph=True)
        (gx2,) = ma.autograd.grad(gx, x)
        with ma.no_grad():
            x -= gx / gx2
        seen.append(x.item())
    assert seen == [
        2.0,
        1.4545454545454546,
        1.1510467893775467,
        1.0253259289766978,
        1.0009084519430513,
        1.0000012353089454,
        1.000000000002289,
        1.0,
    ]


def test_first_six_derivatives_of_tanh_at_one_match_torch():
    def derivatives(T):
        x = T.tensor(1.0, dtype=T.float64, requires_grad=True)
        y, out = T.tanh(x), []
        for _ in range(6):
            (y,) = T.autograd.grad(y, x, create_graph=True)
            out.append(y.item())
        return out

    ours = derivatives(ma)
    assert ours == pytest.approx(derivatives(torch), rel=1e-12)
    t = math.tanh(1.0)  # closed forms of the first two: 1 - t^2 and -2t(1 - t^2)
    assert ours[:2] == pytest.approx([1 - t * t, -2 * t * (1 - t * t)], rel=1e-14)


def test_double_backprop_gives_100():
    x = ma.tensor(2.0, requires_grad=True)
    y = x**2
    (gx,) = ma.autograd.grad(y, x, create_graph=True)
    z = gx**3 + y
    z.backward()
    assert x.grad.item() == 100.0


def test_taylor_sin_matches_torch_and_the_true_derivative():
    def my_sin(T, x, threshold=1e-4):
        y = 0
        for i in range(100000):
            c = (-1) ** i / math.factorial(2 * i + 1)
            t = c * x ** (2 * i + 1)
            y = y + t
            if abs(t.item()) < threshold:
                break
        return y

    x = f64(np.pi / 4)
    y = my_sin(ma, x)
    y.backward()
    tx = torch.tensor(np.pi / 4, dtype=torch.float64, requires_grad=True)
    ty = my_sin(torch, tx)
    ty.backward()
    assert y.item() == pytest.approx(ty.item(), rel=1e-15)
    assert x.grad.item() == pytest.approx(tx.grad.item(), rel=1e-15)
    assert y.item() == pytest.approx(0.7071064695751781, rel=1e-14)
    assert x.grad.item() == pytest.approx(0.7071032148228457, rel=1e-14)


def test_seed_cross_check_sigmoid_of_tanh_matches_torch():
    x = f64(1.0)
    ma.sigmoid(ma.tanh(x)).backward()
    assert x.grad.item() == pytest.approx(0.09112821805819912, rel=1e-15)
    tx = torch.tensor([1.0], requires_grad=True)
    torch.nn.Sigmoid()(torch.nn.Tanh()(tx)).backward()
    x32 = ma.tensor([1.0], requires_grad=True)
    ma.sigmoid(ma.tanh(x32)).sum().backward()
    assert x32.grad.dtype == ma.float32
    torch.testing.assert_close(torch.from_numpy(x32.grad.numpy()), tx.grad)
