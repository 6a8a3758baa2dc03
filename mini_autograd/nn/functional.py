"""torch.nn.functional's names: activations, softmax, dropout, linear, layer_norm, embedding and
the losses.

Every name here is an op registered with `functional=True` (see `mini_autograd/ops/`), so each is
defined once, next to its derivative; this module only places them.
"""

from __future__ import annotations

from ..ops import functional as _registered

globals().update(_registered())
__all__ = sorted(_registered())
