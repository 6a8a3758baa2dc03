"""torch.backends: which accelerators exist (none: mini_autograd is numpy on the CPU)."""

from __future__ import annotations

from . import cudnn, mps

__all__ = ["cudnn", "mps"]
