"""The study notes' DeZero engine at step 9 (Variable, Function, iterative backprop), as a
learner writes it, plus Sigmoid and Tanh from the notes and a Sum: a user's own engine that
`python -m compare --engine examples/engines/step09_adapter.py --cases book` checks against torch.
"""

from __future__ import annotations

import numpy as np


def as_array(x):
    return np.array(x) if np.isscalar(x) else x


class Variable:
    def __init__(self, data):
        if data is not None and not isinstance(data, np.ndarray):
            raise TypeError(f"{type(data)} is not supported")
        self.data = data
        self.grad = None
        self.creator = None

    def set_creator(self, func):
        self.creator = func

    def backward(self):
        if self.grad is None:
            self.grad = np.ones_like(self.data)
        funcs = [self.creator]
        while funcs:
            f = funcs.pop()
            x, y = f.input, f.output
            gx = f.backward(y.grad)
            x.grad = gx if x.grad is None else x.grad + gx  # a reused input adds up
            if x.creator is not None:
                funcs.append(x.creator)


class Function:
    def __call__(self, input):
        y = self.forward(input.data)
        output = Variable(as_array(y))
        output.set_creator(self)
        self.input, self.output = input, output
        return output


class Square(Function):
    def forward(self, x):
        return x**2

    def backward(self, gy):
        return 2 * self.input.data * gy


class Exp(Function):
    def forward(self, x):
        return np.exp(x)

    def backward(self, gy):
        return np.exp(self.input.data) * gy


class Sigmoid(Function):
    def forward(self, x):
        return 1 / (1 + np.exp(-x))

    def backward(self, gy):
        s = self.output.data
        return gy * s * (1 - s)


class Tanh(Function):
    def forward(self, x):
        return np.tanh(x)

    def backward(self, gy):
        return gy * (1 - self.output.data**2)


class Sum(Function):
    def forward(self, x):
        return x.sum()

    def backward(self, gy):
        return np.broadcast_to(gy, self.input.data.shape).copy()


def square(x):
    return Square()(x)


def exp(x):
    return Exp()(x)


def sigmoid(x):
    return Sigmoid()(x)


def tanh(x):
    return Tanh()(x)


def sum(x):  # noqa: A001 - the engine's own name
    return Sum()(x)
