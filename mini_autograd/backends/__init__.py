"""torch.backends: the CPU is the only backend (`torch.backends.mps.is_available()` is False)."""

from . import mps

__all__ = ["mps"]
