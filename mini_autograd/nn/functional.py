"""torch.nn.functional's names: activations, softmax, dropout, linear, layer_norm, embedding and
the losses.

Every name here is an op registered with `functional=True` (see `mini_autograd/ops/`), so each is
defined once, next to its derivative; this module only places them.
"""

from __future__ import annotations

from ..ops import functional as _registered
from ..ops.inplace_variants import functional_inplace as _inplace_variants

globals().update(_registered())
globals().update(_inplace_variants())
__all__ = sorted([*_registered(), *_inplace_variants()])
