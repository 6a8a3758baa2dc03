"""mini_autograd: an autograd engine on numpy that speaks PyTorch's language.

import mini_autograd as torch
x = torch.tensor(0.5, requires_grad=True)
y = torch.square(torch.exp(torch.square(x)))
y.backward()
x.grad  # tensor(3.2974)
"""

from __future__ import annotations

import builtins as _builtins

from . import ops as _ops
from ._creation import (
    arange,
    as_tensor,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    manual_seed,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    randperm,
    seed,
    tensor,
    zeros,
    zeros_like,
)
from ._dtype import (
    bool_,
    dtype,
    float32,
    float64,
    get_default_dtype,
    int32,
    int64,
    set_default_dtype,
)
from ._grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from ._tensor import Size, Tensor

__version__ = "0.1.0"

# torch's aliases for the dtypes
bool = bool_  # noqa: A001 - torch.bool
float = float32  # noqa: A001 - torch.float
double = float64
long = int64
int = int32  # noqa: A001 - torch.int

globals().update(_ops.top_level())

from . import autograd, linalg, nn, optim  # noqa: E402 - after the ops they build on


def is_tensor(obj: object) -> _builtins.bool:
    """True if obj is a mini_autograd Tensor."""
    return isinstance(obj, Tensor)


def is_floating_point(input: Tensor) -> _builtins.bool:
    """True if input has a floating dtype."""
    return input.is_floating_point()


def numel(input: Tensor) -> _builtins.int:
    """The number of elements of input."""
    return input.numel()
