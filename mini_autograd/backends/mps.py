"""torch.backends.mps: Apple's GPU backend, absent here."""

from __future__ import annotations


def is_available() -> bool:
    """False: mini_autograd runs on the CPU only."""
    return False


def is_built() -> bool:
    return False
