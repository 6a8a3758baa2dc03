"""torch.nn.functional's names: activations, dropout and losses."""

from __future__ import annotations

from ..ops import functional as _registered

globals().update(_registered())
