"""mini_autograd: an autograd engine on numpy that speaks PyTorch's language.

import mini_autograd as torch
x = torch.tensor(0.5, requires_grad=True)
y = torch.square(torch.exp(torch.square(x)))
y.backward()
x.grad  # tensor(3.2974)
"""

from __future__ import annotations

import builtins as _builtins

from . import _inplace, _out
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
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    randperm,
    tensor,
    zeros,
    zeros_like,
)
from ._creation_more import (
    bernoulli,
    logspace,
    multinomial,
    normal,
    randint_like,
    scalar_tensor,
    tril_indices,
    triu_indices,
)
from ._device import (
    channels_last,
    channels_last_3d,
    contiguous_format,
    device,
    memory_format,
    preserve_format,
)
from ._dtype import (
    bool_,
    dtype,
    float16,
    float32,
    float64,
    get_default_dtype,
    int8,
    int16,
    int32,
    int64,
    set_default_dtype,
    uint8,
)
from ._format import set_printoptions
from ._grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from ._random import (
    Generator,
    default_generator,
    get_rng_state,
    initial_seed,
    manual_seed,
    seed,
    set_rng_state,
)
from ._tensor import Size, Tensor
from ._tensor_api import LEGACY_TYPES as _LEGACY_TYPES
from ._typeinfo import finfo, iinfo
from ._warn_once import is_warn_always_enabled, set_warn_always

__version__ = "0.1.0"

globals().update(_LEGACY_TYPES)  # torch.FloatTensor, torch.LongTensor, ...

# torch's aliases for the dtypes
bool = bool_  # noqa: A001 - torch.bool
float = float32  # noqa: A001 - torch.float
double = float64
long = int64
int = int32  # noqa: A001 - torch.int
half = float16
short = int16


def __getattr__(name: str) -> object:
    if name == "bfloat16":  # refused clearly rather than stood in for by another type
        raise AttributeError(
            "mini_autograd has no bfloat16: numpy has no such type to hold it; use float32 "
            "(or float16 for half-precision storage)"
        )
    raise AttributeError(f"module 'mini_autograd' has no attribute {name!r}")


globals().update(_ops.top_level())
# torch's top-level one is aten's (int reduction, elementwise by default), not F.'s
binary_cross_entropy_with_logits = _ops.classification.binary_cross_entropy_with_logits_aten
# torch.softmax/log_softmax need dim (only F.'s choose one, warning)
softmax = _ops.activation.softmax_aten
log_softmax = _ops.activation.log_softmax_aten
_out.install(globals())
_inplace.install()

from . import (  # noqa: E402 - after the ops they build on
    accelerator,
    autograd,
    backends,
    cuda,
    linalg,
    nn,
    optim,
    serialization,
    testing,
    utils,
)
from ._as_torch import install_as_torch, uninstall_as_torch  # noqa: E402
from .serialization import load, save  # noqa: E402


def is_tensor(obj: object) -> _builtins.bool:
    """True if obj is a mini_autograd Tensor."""
    return isinstance(obj, Tensor)


def is_floating_point(input: Tensor) -> _builtins.bool:
    """True if input has a floating dtype."""
    return input.is_floating_point()


def numel(input: Tensor) -> _builtins.int:
    """The number of elements of input."""
    return input.numel()
