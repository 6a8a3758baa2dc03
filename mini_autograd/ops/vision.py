"""Vision ops in torch's names: pixel_shuffle/unshuffle and the channel dropouts (unfold/fold
live in ops/fold.py, interpolate in ops/interpolate.py, affine_grid/grid_sample in
ops/grid_sample.py)."""

from __future__ import annotations

import warnings

import numpy as np

from .. import _creation
from .._tensor import Tensor
from .._warn_once import user_stacklevel
from ._registry import register
from ._util import tensor_arg
from .elementwise import Mul
from .inplace_variants import written_into


@register(top=True, method=False, functional=True)
def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """(*, C·r², H, W) -> (*, C, H·r, W·r)."""
    x = tensor_arg(input, "pixel_shuffle")
    r = int(upscale_factor)
    *lead, c, h, w = x.shape
    if x.dim() < 3 or c % (r * r):
        raise RuntimeError(
            f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the "
            f"square of upscale_factor, but input.size(-3)={c} is not divisible by {r * r}"
        )
    y = x.reshape(*lead, c // (r * r), r, r, h, w)
    k = len(lead)
    y = y.permute(*range(k), k, k + 3, k + 1, k + 4, k + 2)
    return y.reshape(*lead, c // (r * r), h * r, w * r)


@register(top=True, method=False, functional=True)
def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """(*, C, H·r, W·r) -> (*, C·r², H, W), the inverse of pixel_shuffle."""
    x = tensor_arg(input, "pixel_unshuffle")
    r = int(downscale_factor)
    if x.dim() < 3:
        raise RuntimeError(
            f"pixel_unshuffle expects input to have at least 3 dimensions, but got input with "
            f"{x.dim()} dimension(s)"
        )
    *lead, c, h, w = x.shape
    for name, size, at in (("height", h, -2), ("width", w, -1)):
        if size % r:
            raise RuntimeError(
                f"pixel_unshuffle expects {name} to be divisible by downscale_factor, but "
                f"input.size({at})={size} is not divisible by {r}"
            )
    if x.numel() == 0:
        return x.clone()  # torch returns an empty input unchanged, whatever its shape would be
    y = x.reshape(*lead, c, h // r, r, w // r, r)
    k = len(lead)
    y = y.permute(*range(k), k, k + 2, k + 4, k + 1, k + 3)
    return y.reshape(*lead, c * r * r, h // r, w // r)


# --- channel dropout -----------------------------------------------------------------------------


def _channel_dropout(x: Tensor, p: float, training: bool, batched_dims: int, op: str) -> Tensor:
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return x
    nd = x.dim()
    if nd not in (batched_dims, batched_dims - 1):
        raise RuntimeError(
            f"{op}: expected a {batched_dims - 1}D or {batched_dims}D input, got "
            f"{nd}D input of size {list(x.shape)}"
        )
    lead = 2 if nd == batched_dims else 1
    shape = tuple(x.shape[:lead]) + (1,) * (nd - lead)
    dtype = x._data.dtype
    if p == 1.0:
        return Mul()._run(x, np.zeros(shape, dtype=dtype))
    keep = _creation.get_rng().random(shape) >= p
    return Mul()._run(x, keep.astype(dtype) / np.asarray(1.0 - p, dtype=dtype))


@register(top=False, method=False, functional=True)
def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False):
    """Zero whole channels of (N, C, L) with probability p, scaling the rest by 1/(1-p)."""
    if inplace and training and p:
        return written_into(input, "dropout1d", dropout1d, p, training)
    return _channel_dropout(tensor_arg(input, "dropout1d"), p, training, 3, "dropout1d")


@register(top=False, method=False, functional=True)
def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False):
    """Zero whole channels of (N, C, H, W) with probability p, scaling the rest by 1/(1-p)."""
    if inplace and training and p:
        return written_into(input, "dropout2d", dropout2d, p, training)
    x = tensor_arg(input, "dropout2d")
    if x.dim() == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D "
            "dropout behavior is desired - input is interpreted as shape (N, C, L), where C is "
            "the channel dim. This behavior will change in a future release to interpret the "
            "input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D "
            "channel-wise dropout behavior, please switch to using dropout1d instead.",
            stacklevel=user_stacklevel(),
        )
        return _channel_dropout(x, p, training, 3, "dropout2d")
    return _channel_dropout(x, p, training, 4, "dropout2d")


@register(top=False, method=False, functional=True)
def dropout3d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False):
    """Zero whole channels of (N, C, D, H, W) with probability p, scaling the rest by 1/(1-p)."""
    if inplace and training and p:
        return written_into(input, "dropout3d", dropout3d, p, training)
    return _channel_dropout(tensor_arg(input, "dropout3d"), p, training, 5, "dropout3d")
